package staff

import (
	"fmt"
	"strings"
)

// CategoryPrefix starts every category code.
const CategoryPrefix = "VKEXEMPT:"

// Category is an exemption category: who may enter without a pass check.
type Category string

// Categories, as the store and the counts name them.
const (
	Under12    Category = "under12"    // children under 12
	Over65     Category = "65plus"     // people aged 65 or above
	Disability Category = "disability" // people with a disability
	Other      Category = "other"      // anyone else a guard admits
)

// Categories lists every category, in the order of the printed codes and
// of the GPIO buttons.
func Categories() []Category { return []Category{Under12, Over65, Disability, Other} }

// Code returns the printed code's payload, e.g. "VKEXEMPT:UNDER12".
func (c Category) Code() string { return CategoryPrefix + strings.ToUpper(string(c)) }

// Valid reports whether c is one of the categories.
func (c Category) Valid() bool {
	for _, x := range Categories() {
		if c == x {
			return true
		}
	}
	return false
}

// IsCategoryCode reports whether payload looks like a category code.
func IsCategoryCode(payload string) bool {
	return strings.HasPrefix(trim(payload), CategoryPrefix)
}

// ParseCategoryCode reads a printed category code.
func ParseCategoryCode(payload string) (Category, error) {
	p := trim(payload)
	if len(p) > len(CategoryPrefix)+16 || !strings.HasPrefix(p, CategoryPrefix) {
		return "", fmt.Errorf("%w: want %s followed by UNDER12, 65PLUS, DISABILITY or OTHER", ErrMalformed, CategoryPrefix)
	}
	for _, c := range Categories() {
		if p == c.Code() {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: unknown category %q; want UNDER12, 65PLUS, DISABILITY or OTHER", ErrMalformed, p[len(CategoryPrefix):])
}

// ParseCategory reads a category as the configuration and the store name
// it ("under12", "65plus", "disability", "other").
func ParseCategory(s string) (Category, error) {
	if c := Category(s); c.Valid() {
		return c, nil
	}
	return "", fmt.Errorf("staff: category %q: want under12, 65plus, disability or other", s)
}
