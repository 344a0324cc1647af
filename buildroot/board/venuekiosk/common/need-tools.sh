# shellcheck shell=sh
# need-tools.sh: the host tool check shared by mkbundle.sh and
# firmware/image/mkimage.sh, which source it (it is not run on its own).
# The sourcing script defines fail MESSAGE.

# need_tools PACKAGE TOOL...: fail unless every TOOL is on PATH, naming
# the Debian package that provides it.
need_tools() {
	need_tools_pkg="$1"
	shift
	for need_tools_tool in "$@"; do
		command -v "$need_tools_tool" >/dev/null ||
			fail "$need_tools_tool not found (Debian package $need_tools_pkg)"
	done
}
