package privacy

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalKeyManager(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := InitKeyFile(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := InitKeyFile(path, nil); err == nil {
		t.Fatal("InitKeyFile overwrote an existing file")
	}
	km, err := NewLocalKeyManager(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := bytes.Repeat([]byte{7}, 32)
	w1, err := km.Wrap(ctx, "k", secret, []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() ([]byte, error){
		"OtherName": func() ([]byte, error) { return km.Unwrap(ctx, "k2", w1, []byte("ad")) },
		"OtherAD":   func() ([]byte, error) { return km.Unwrap(ctx, "k", w1, []byte("ad2")) },
		"Truncated": func() ([]byte, error) { return km.Unwrap(ctx, "k", w1[:20], []byte("ad")) },
		"Flipped": func() ([]byte, error) {
			b := append([]byte{}, w1...)
			b[len(b)-1] ^= 1
			return km.Unwrap(ctx, "k", b, []byte("ad"))
		},
	} {
		if _, err := f(); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	st, err := RotateKeyFile(path, nil)
	if err != nil || st.Primary != 2 || len(st.Versions) != 2 || st.Versions[0].State != StateActive {
		t.Fatalf("rotate: %+v %v", st, err)
	}
	km2, err := NewLocalKeyManager(path)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := km2.Wrap(ctx, "k", secret, []byte("ad"))
	if w2[4] != 2 {
		t.Fatal("rotated manager does not wrap with version 2")
	}
	for _, w := range [][]byte{w1, w2} {
		if got, err := km2.Unwrap(ctx, "k", w, []byte("ad")); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("unwrap after rotation: %v", err)
		}
	}
	if _, err := km.Unwrap(ctx, "k", w2, []byte("ad")); !errors.Is(err, ErrKeyUnavailable) {
		t.Fatalf("old manager, new version: %v", err)
	}
	b, _ := os.ReadFile(path)
	for _, s := range []string{fmt.Sprint(km2), fmt.Sprintf("%+v", km2), fmt.Sprintf("%#v", km2)} {
		for _, line := range strings.Split(string(b), "\n") {
			if m, ok := strings.CutPrefix(strings.TrimSpace(line), `"material": `); ok {
				raw, _ := base64.StdEncoding.DecodeString(strings.Trim(m, `",`))
				if strings.Contains(s, strings.Trim(m, `",`)) || bytes.Contains([]byte(s), raw) {
					t.Fatalf("printed key material: %s", s)
				}
			}
		}
	}
}

func TestKeyFileValidation(t *testing.T) {
	m := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for name, in := range map[string]string{
		"NotJSON":     `{`,
		"Format":      `{"format":"x","keys":[]}`,
		"NoKeys":      `{"format":"cimkit-local-keys/v1","keys":[]}`,
		"ShortKey":    `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"c2VjcmV0"}]}`,
		"Version0":    `{"format":"cimkit-local-keys/v1","keys":[{"version":0,"state":"primary","material":"` + m + `"}]}`,
		"NoPrimary":   `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"active","material":"` + m + `"}]}`,
		"BadState":    `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"on","material":"` + m + `"}]}`,
		"DupVersion":  `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"` + m + `"},{"version":1,"state":"active","material":"` + m + `"}]}`,
		"TwoPrimary":  `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"` + m + `"},{"version":2,"state":"primary","material":"` + m + `"}]}`,
		"BadBase64":   `{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"!!"}]}`,
		"WrongShape":  `[1,2]`,
		"VersionText": `{"format":"cimkit-local-keys/v1","keys":[{"version":"1","state":"primary","material":"` + m + `"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseKeyFile([]byte(in))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), m) {
				t.Fatal("error contains material")
			}
		})
	}
}

func FuzzParseKeyFile(f *testing.F) {
	m := base64.StdEncoding.EncodeToString(make([]byte, 32))
	f.Add(`{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"` + m + `"}]}`)
	f.Add(`{}`)
	f.Add(`{"format":"cimkit-local-keys/v1","keys":[{"version":4294967295,"state":"active","material":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		kf, err := parseKeyFile([]byte(s))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		km, err := newLocalKeyManager(kf)
		if err != nil {
			t.Fatal(err)
		}
		w, err := km.Wrap(context.Background(), "k", []byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := km.Unwrap(context.Background(), "k", w, nil); err != nil {
			t.Fatal(err)
		}
	})
}
