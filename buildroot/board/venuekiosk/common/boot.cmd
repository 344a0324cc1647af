# venuekiosk U-Boot boot script: pick root filesystem slot A or B for RAUC.
#
# RAUC's "uboot" backend keeps its state in the U-Boot environment (raw and
# redundant on the SD card: uboot.fragment, /etc/fw_env.config):
#   BOOT_ORDER    bootnames in the order to try: "A B" or "B A"
#   BOOT_A_LEFT   boot attempts left for slot A (likewise BOOT_B_LEFT)
# Every boot spends one attempt of the first slot in BOOT_ORDER that has one
# left. venuekiosk-health.service gives the attempts back (rauc status
# mark-good) once kioskd is ready and its self-test passes, so a new root
# filesystem that never gets there falls back to the other slot after three
# tries. RAUC sets BOOT_ORDER and the new slot's count when it installs.
#
# Slot A is partition 2, slot B partition 3 (genimage.cfg.in, system.conf).
# The device tree is the firmware's (${fdt_addr}): config.txt's dtparam and
# dtoverlay lines are already applied to it.

test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3

setenv vk_slot
setenv vk_part
for vk_try in "${BOOT_ORDER}"; do
	if test -z "${vk_slot}"; then
		if test "${vk_try}" = "A" && test 0x${BOOT_A_LEFT} -gt 0; then
			setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
			setenv vk_slot A
			setenv vk_part 2
		elif test "${vk_try}" = "B" && test 0x${BOOT_B_LEFT} -gt 0; then
			setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
			setenv vk_slot B
			setenv vk_part 3
		fi
	fi
done

if test -z "${vk_slot}"; then
	echo "venuekiosk: no slot has boot attempts left; giving both 3 again"
	setenv BOOT_A_LEFT 3
	setenv BOOT_B_LEFT 3
	saveenv
	reset
fi

# Spend the attempt before loading anything: a hang from here on costs it.
saveenv
echo "venuekiosk: slot ${vk_slot} (mmc 0:${vk_part}); attempts left A=${BOOT_A_LEFT} B=${BOOT_B_LEFT}"

# Keep the firmware's command line (cmdline.txt and its own additions) and
# add the slot's read-only root.
fdt addr ${fdt_addr}
fdt get value vk_fwargs /chosen bootargs
setenv bootargs "${vk_fwargs} root=/dev/mmcblk0p${vk_part} rootfstype=ext4 ro rootwait rauc.slot=${vk_slot} panic=5"

# The kernel lives in the slot (/boot), so it is updated with the root
# filesystem: Image on arm64, zImage on 32-bit ARM. A kernel that needs an
# initramfs to mount its root (Debian's: firmware/image) has it beside it
# as /boot/initrd.img; it is loaded at 256 MiB: clear of the kernel as
# booti moves it (to 2 MiB, up to some 50 MiB with its bss), of a device
# tree a loader put at 128 MiB (QEMU's raspi3b does), and below U-Boot and
# the firmware's device tree at the top of a Zero 2 W's 448 MiB.
setenv vk_initrd_addr 0x10000000
if load mmc 0:${vk_part} ${kernel_addr_r} /boot/Image; then
	if load mmc 0:${vk_part} ${vk_initrd_addr} /boot/initrd.img; then
		booti ${kernel_addr_r} ${vk_initrd_addr}:${filesize} ${fdt_addr}
	fi
	booti ${kernel_addr_r} - ${fdt_addr}
elif load mmc 0:${vk_part} ${kernel_addr_r} /boot/zImage; then
	bootz ${kernel_addr_r} - ${fdt_addr}
fi

echo "venuekiosk: slot ${vk_slot} did not start; resetting"
reset
