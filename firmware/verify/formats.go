package verify

// Formats returns every pass format the kiosk reads, in matching order.
func Formats() []Format {
	return []Format{}
}
