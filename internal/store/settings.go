package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"unicode/utf8"
)

// maxSettingValue bounds a setting's value.
const maxSettingValue = 4096

var settingKey = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func checkSetting(key string) error {
	if !settingKey.MatchString(key) {
		return invalid("setting key", "%q: want 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit", key)
	}
	return nil
}

// Setting returns the value of key; ok is false when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	if err := s.check(); err != nil {
		return "", false, err
	}
	if err := checkSetting(key); err != nil {
		return "", false, err
	}
	err = s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting sets key to value (at most 4096 bytes of UTF-8).
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if err := checkSetting(key); err != nil {
		return err
	}
	if len(value) > maxSettingValue || !utf8.ValidString(value) {
		return invalid("setting "+key, "value: want at most %d bytes of UTF-8", maxSettingValue)
	}
	return s.Apply(ctx, func(tx *Tx) error {
		_, err := tx.exec("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
}

// deleteSetting removes key; removing an unset key is not an error.
func (s *Store) deleteSetting(ctx context.Context, key string) error {
	if err := checkSetting(key); err != nil {
		return err
	}
	return s.Apply(ctx, func(tx *Tx) error {
		_, err := tx.exec("DELETE FROM settings WHERE key = ?", key)
		return err
	})
}
