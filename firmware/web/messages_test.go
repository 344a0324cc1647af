package web

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/venuekiosk/venuekiosk/display/i18n"
)

func TestMessages(t *testing.T) {
	ts, _ := newServer(t)
	for _, tc := range []struct {
		query, accept string
		want          i18n.Lang
	}{
		{"", "", i18n.EN},
		{"", "zh-HK,zh;q=0.9,en;q=0.8", i18n.ZHHant},
		{"", "zh-CN", i18n.ZHHans},
		{"?lang=zh-TW", "en-GB", i18n.ZHHant}, // navigator.language first
		{"?lang=fr", "zh-CN", i18n.ZHHans},
		{"?lang=fr", "de", i18n.EN},
	} {
		t.Run(tc.query+" "+tc.accept, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+"/api/messages"+tc.query, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got MessagesJSON
			err = json.NewDecoder(res.Body).Decode(&got)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%q %q: %d %v", tc.query, tc.accept, res.StatusCode, err)
			}
			if got.Lang != tc.want || got.Messages[i18n.PageScan] != i18n.Get(tc.want).T(i18n.PageScan) || len(got.Messages) != len(i18n.Keys()) {
				t.Errorf("%q %q: got %s with %d messages, want %s", tc.query, tc.accept, got.Lang, len(got.Messages), tc.want)
			}
			if v := res.Header.Get("Vary"); v != "Accept-Language" {
				t.Errorf("Vary: %q", v)
			}
		})
	}
}
