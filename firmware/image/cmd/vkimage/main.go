// Command vkimage builds the Debian-based Raspberry Pi image (package
// firmware/image):
//
//	vkimage rootfs -cache DIR [-mirror URL]
//
// builds (once; cached) the base Debian arm64 root tree of
// image.RootfsRecipe into DIR/rootfs-<hash>/ and writes its absolute path
// to DIR/rootfs.path and to standard output.
//
//	vkimage image -cache DIR -bin DIR -keyring FILE [-operator-pub FILE] [-epoch N]
//
// also assembles the SD card image (firmware/image/mkimage.sh) into
// DIR/image-<hash of its inputs>/ unless it is there, writes that
// directory to DIR/image.path and prints the card's path.
//
//	vkimage env -tree DIR -o FILE
//
// writes the boot partition's U-Boot environment (uboot.env) for the root
// tree DIR's U-Boot.
//
//	vkimage recipe
//
// prints the root tree's recipe (mmdebstrap's arguments).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/venuekiosk/venuekiosk/firmware/image"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("vkimage: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: vkimage rootfs|image|recipe [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	cache := fs.String("cache", "build/image-cache", "cache `directory`")
	mirror := fs.String("mirror", os.Getenv("VENUEKIOSK_IMAGE_MIRROR"), "Debian mirror `URL` (not part of the recipe hash)")
	bin := fs.String("bin", "build/linux_arm64", "`directory` with the arm64 kioskd and kioskctl")
	keyring := fs.String("keyring", "", "RAUC CA certificate `file` the image trusts")
	operatorPub := fs.String("operator-pub", "", "operator's provisioning public key `file` (optional)")
	tree := fs.String("tree", "", "root tree `directory` (env)")
	out := fs.String("o", "", "output `file` (env)")
	epoch := fs.String("epoch", os.Getenv("SOURCE_DATE_EPOCH"), "SOURCE_DATE_EPOCH: every file's time")
	switch os.Args[1] {
	case "rootfs", "image":
	case "env":
		fs.Parse(os.Args[2:])
		if err := image.WriteEnv(*tree, *out); err != nil {
			log.Fatal(err)
		}
		return
	case "recipe":
		fmt.Print(image.RootfsRecipe.Text())
		return
	default:
		log.Fatalf("unknown subcommand %q", os.Args[1])
	}
	fs.Parse(os.Args[2:])
	t, err := image.BuildRootfs(*cache, image.RootfsRecipe, *mirror, log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	if err := image.WritePath(*cache, t); err != nil {
		log.Fatal(err)
	}
	if os.Args[1] == "rootfs" {
		if t.Cached {
			log.Printf("cached: %s", t.Dir)
		}
		fmt.Println(t.Dir)
		return
	}
	if *keyring == "" {
		log.Fatal("image: -keyring is required")
	}
	if *epoch == "" {
		*epoch = "0"
	}
	repo, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	im, err := image.BuildImage(*cache, image.Inputs{
		Repo: repo, Tree: t, Bin: *bin, Keyring: *keyring, OperatorPub: *operatorPub, Epoch: *epoch,
	}, log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	if im.Cached {
		log.Printf("cached: %s", im.Dir)
	}
	fmt.Println(im.Card())
}
