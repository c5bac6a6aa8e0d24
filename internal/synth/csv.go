package synth

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Files written by WriteCSV, each with a header row.
const (
	CustomersFile  = "customers.csv"
	OrdersFile     = "orders.csv"
	OrderItemsFile = "order_items.csv"
	EventsFile     = "events.csv"
	TruthFile      = "truth.csv"
)

// Column headers of the files written by WriteCSV.
var (
	CustomersHeader  = []string{"record_id", "channel", "name", "gender", "birth_date", "phone", "email", "device_id", "member_id", "address", "registered_at"}
	OrdersHeader     = []string{"order_id", "record_id", "channel", "placed_at", "status", "currency", "payment_method", "items", "categories", "discount", "shipping", "total", "refunded"}
	OrderItemsHeader = []string{"order_id", "sku", "category", "quantity", "unit_price"}
	EventsHeader     = []string{"event_id", "record_id", "type", "channel", "at", "sku", "keyword"}
	TruthHeader      = []string{"record_id", "person_id"}
)

// WriteCSV writes the dataset into dir (created if missing) as
// customers.csv, orders.csv, order_items.csv, events.csv and truth.csv.
// Times are RFC 3339 in UTC.
func (d *Dataset) WriteCSV(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	files := []struct {
		name   string
		header []string
		rows   func(emit func(...string) error) error
	}{
		{CustomersFile, CustomersHeader, func(emit func(...string) error) error {
			for _, r := range d.Records {
				if err := emit(r.ID, r.Channel, r.Name, r.Gender, r.BirthDate, r.Phone, r.Email, r.Device, r.MemberID, r.Address, ts(r.RegisteredAt)); err != nil {
					return err
				}
			}
			return nil
		}},
		{OrdersFile, OrdersHeader, func(emit func(...string) error) error {
			for _, o := range d.Orders {
				cats := make([]string, 0, len(o.Items))
				for _, it := range o.Items {
					cats = append(cats, it.Category)
				}
				if err := emit(o.ID, o.RecordID, o.Channel, ts(o.PlacedAt), o.Status, o.Currency, o.PaymentMethod,
					strconv.Itoa(len(o.Items)), strings.Join(cats, "|"), o.Discount.StringFixed(2), o.Shipping.StringFixed(2),
					o.Total.StringFixed(2), o.Refunded.StringFixed(2)); err != nil {
					return err
				}
			}
			return nil
		}},
		{OrderItemsFile, OrderItemsHeader, func(emit func(...string) error) error {
			for _, o := range d.Orders {
				for _, it := range o.Items {
					if err := emit(o.ID, it.SKU, it.Category, it.Quantity.String(), it.UnitPrice.StringFixed(2)); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{EventsFile, EventsHeader, func(emit func(...string) error) error {
			for _, e := range d.Events {
				if err := emit(e.ID, e.RecordID, e.Type, e.Channel, ts(e.At), e.SKU, e.Keyword); err != nil {
					return err
				}
			}
			return nil
		}},
		{TruthFile, TruthHeader, func(emit func(...string) error) error {
			for _, r := range d.Records {
				if err := emit(r.ID, r.PersonID); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), f.header, f.rows); err != nil {
			return fmt.Errorf("synth: write %s: %w", f.name, err)
		}
	}
	return nil
}

func writeFile(path string, header []string, rows func(func(...string) error) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.Write(header); err != nil {
		f.Close()
		return err
	}
	if err := rows(func(rec ...string) error { return w.Write(rec) }); err != nil {
		f.Close()
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
