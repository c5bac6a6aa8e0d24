package privacy

import "log/slog"

// Log attributes for key life-cycle events. They carry tenant, kind,
// version and counts only: never keys, values or customer ids.
const slogInfo = slog.LevelInfo

func attrTenant(t string) slog.Attr       { return slog.String("tenant", t) }
func attrKind(k KeyKind) slog.Attr        { return slog.String("kind", k.String()) }
func attrVersion(v uint32) slog.Attr      { return slog.Uint64("version", uint64(v)) }
func attrState(s KeyState) slog.Attr      { return slog.String("state", s.String()) }
func attrCount(k string, n int) slog.Attr { return slog.Int(k, n) }
