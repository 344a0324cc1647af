// Command vkimage builds the Debian-based Raspberry Pi image's parts:
//
//	vkimage rootfs -cache DIR [-mirror URL]
//
// builds (once; cached) the base Debian arm64 root tree of
// image.RootfsRecipe into DIR/rootfs-<hash>/ and writes its absolute path
// to DIR/rootfs.path and to standard output.
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
		log.Fatal("usage: vkimage rootfs -cache DIR [-mirror URL] | vkimage recipe")
	}
	switch os.Args[1] {
	case "rootfs":
		fs := flag.NewFlagSet("rootfs", flag.ExitOnError)
		cache := fs.String("cache", "build/image-cache", "cache `directory`")
		mirror := fs.String("mirror", os.Getenv("VENUEKIOSK_IMAGE_MIRROR"), "Debian mirror `URL` (not part of the recipe hash)")
		fs.Parse(os.Args[2:])
		t, err := image.BuildRootfs(*cache, image.RootfsRecipe, *mirror, log.Printf)
		if err != nil {
			log.Fatal(err)
		}
		if err := image.WritePath(*cache, t); err != nil {
			log.Fatal(err)
		}
		if t.Cached {
			log.Printf("cached: %s", t.Dir)
		}
		fmt.Println(t.Dir)
	case "recipe":
		fmt.Print(image.RootfsRecipe.Text())
	default:
		log.Fatalf("unknown subcommand %q", os.Args[1])
	}
}
