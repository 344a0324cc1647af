#!/bin/sh
# rauc-devkeys.sh DIR: create a DEVELOPMENT RAUC signing setup in DIR, once:
#   ca.cert.pem       development CA (goes into the image as the keyring)
#   ca.key.pem        its private key
#   signing.cert.pem  code-signing certificate issued by that CA
#   signing.key.pem   its private key (signs bundles: make bundle)
# These keys live on a build host, so bundles signed with them prove nothing:
# production images get a keyring whose CA key never touches a build host.
# The signing certificate carries the codeSigning purpose that system.conf
# asks for (check-purpose=codesign) and emailProtection, so that RAUC's
# default purpose check (S/MIME) accepts it too: "rauc info --keyring".
# Existing files are kept; a partial set is an error.

set -eu

dir="${1:?usage: rauc-devkeys.sh DIR}"
files="ca.cert.pem ca.key.pem signing.cert.pem signing.key.pem"

have=0
for f in $files; do
	if [ -e "$dir/$f" ]; then have=$((have + 1)); fi
done
if [ "$have" -eq 4 ]; then
	exit 0
fi
if [ "$have" -ne 0 ]; then
	echo "rauc-devkeys: $dir holds only part of a key set; remove it to start over" >&2
	exit 1
fi
command -v openssl >/dev/null || {
	echo "rauc-devkeys: openssl not found (Debian package openssl)" >&2
	exit 1
}

mkdir -p "$dir"
work=$(mktemp -d "$dir/.new.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

days=3650
curve=prime256v1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:"$curve" -nodes \
	-keyout "$work/ca.key.pem" -out "$work/ca.cert.pem" -days "$days" \
	-subj "/O=venuekiosk/CN=venuekiosk DEVELOPMENT update CA - not for production" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:"$curve" -nodes \
	-keyout "$work/signing.key.pem" -out "$work/signing.csr.pem" \
	-subj "/O=venuekiosk/CN=venuekiosk DEVELOPMENT bundle signing - not for production" 2>/dev/null
printf '%s\n' \
	"basicConstraints=critical,CA:FALSE" \
	"keyUsage=critical,digitalSignature" \
	"extendedKeyUsage=critical,codeSigning,emailProtection" \
	"subjectKeyIdentifier=hash" \
	"authorityKeyIdentifier=keyid" >"$work/signing.ext"
openssl x509 -req -in "$work/signing.csr.pem" -days "$days" \
	-CA "$work/ca.cert.pem" -CAkey "$work/ca.key.pem" -set_serial "0x$(openssl rand -hex 8)" \
	-extfile "$work/signing.ext" -out "$work/signing.cert.pem" 2>/dev/null

chmod 0644 "$work/ca.cert.pem" "$work/signing.cert.pem"
for f in $files; do
	mv "$work/$f" "$dir/$f"
done
echo "rauc-devkeys: created a DEVELOPMENT CA and signing key in $dir" >&2
