//! Deep links: what the URL fragment (`#trace=…&span=…&q=…&zoom=…&cp=1`) asks the viewer to
//! show. Parsing is total: any text gives a [`Link`], and every part that could not be used is
//! listed in [`Link::ignored`] so the viewer can say so instead of guessing.

/// What a fragment names. Ids are as displayed; they are looked up among the open traces later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// Trace id.
    pub trace: Option<String>,
    /// Span id (in that trace).
    pub span: Option<String>,
    /// Span id of the subtree to zoom to.
    pub zoom: Option<String>,
    /// Filter text.
    pub query: Option<String>,
    /// Critical path only.
    pub critical_only: Option<bool>,
    /// The parts not used, and why, for a message.
    pub ignored: Vec<String>,
}

/// Longest fragment read; the rest is ignored (a link is a few ids and a filter).
const MAX_LEN: usize = 8192;

impl Link {
    /// Reads a fragment, with or without its `#`.
    pub fn parse(fragment: &str) -> Link {
        let mut link = Link::default();
        let mut text = fragment.strip_prefix('#').unwrap_or(fragment);
        if text.len() > MAX_LEN {
            let mut end = MAX_LEN;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            link.ignored
                .push(format!("everything after its first {end} bytes"));
            text = &text[..end];
        }
        for part in text.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = part.split_once('=').unwrap_or((part, ""));
            let shown = shorten(part);
            let Some(value) = percent_decode(raw) else {
                link.ignored
                    .push(format!("`{shown}` (not a valid %-escape)"));
                continue;
            };
            let slot = match key {
                "trace" => &mut link.trace,
                "span" => &mut link.span,
                "zoom" => &mut link.zoom,
                "q" => &mut link.query,
                "cp" => {
                    let on = match value.as_str() {
                        "1" => true,
                        "0" => false,
                        _ => {
                            link.ignored.push(format!("`{shown}` (cp is 1 or 0)"));
                            continue;
                        }
                    };
                    if link.critical_only.is_some() {
                        link.ignored.push(format!("`{shown}` (repeated)"));
                    } else {
                        link.critical_only = Some(on);
                    }
                    continue;
                }
                _ => {
                    link.ignored.push(format!("`{shown}` (unknown key)"));
                    continue;
                }
            };
            if value.is_empty() && key != "q" {
                link.ignored.push(format!("`{shown}` (empty)"));
            } else if slot.is_some() {
                link.ignored.push(format!("`{shown}` (repeated)"));
            } else {
                *slot = Some(value);
            }
        }
        if link.trace.is_none() {
            for (name, v) in [
                ("span", link.span.take()),
                ("zoom", link.zoom.take()),
                ("q", link.query.take()),
            ] {
                if let Some(v) = v {
                    let shown = shorten(&v);
                    link.ignored.push(format!("`{name}={shown}` (no trace)"));
                }
            }
            if let Some(cp) = link.critical_only.take() {
                link.ignored
                    .push(format!("`cp={}` (no trace)", u8::from(cp)));
            }
        }
        link
    }
}

/// Text for a message: at most 60 characters.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Decodes `%XX` escapes as `decodeURIComponent` does (no `+` for space); `None` when an escape
/// is malformed or the bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "0af7651916cd43dd8448eb211c80319c";

    fn link(trace: &str) -> Link {
        Link {
            trace: Some(trace.into()),
            ..Link::default()
        }
    }

    #[test]
    fn a_written_fragment_reads_back() {
        let l = Link::parse(&format!(
            "#trace={T}&span=b7ad6b7169203331&q=kind%3Atool%20%22a%26b%22&zoom=00f067aa0ba902b7&cp=1"
        ));
        assert_eq!(
            l,
            Link {
                trace: Some(T.into()),
                span: Some("b7ad6b7169203331".into()),
                zoom: Some("00f067aa0ba902b7".into()),
                query: Some(r#"kind:tool "a&b""#.into()),
                critical_only: Some(true),
                ignored: vec![],
            }
        );
        assert_eq!(Link::parse(&format!("trace={T}")), link(T));
    }

    #[test]
    fn nothing_names_nothing() {
        for f in ["", "#", "#&&&", "&"] {
            assert_eq!(Link::parse(f), Link::default(), "{f:?}");
        }
    }

    #[test]
    fn ids_are_kept_as_text_to_look_up_whatever_they_look_like() {
        // Whether such a trace is open is the engine's question; parsing keeps the text.
        for id in ["abc", "999999", "-1", "18446744073709551616000000", "0x1f"] {
            assert_eq!(Link::parse(&format!("#trace={id}")), link(id));
        }
        let l = Link::parse("#trace=abc&span=-1");
        assert_eq!(l.span.as_deref(), Some("-1"));
        assert!(l.ignored.is_empty());
    }

    #[test]
    fn bad_escapes_are_ignored_and_named() {
        for bad in ["%", "%4", "%zz", "%E2%82", "a%FFb"] {
            let l = Link::parse(&format!("#trace={T}&q={bad}"));
            assert_eq!(l.trace.as_deref(), Some(T));
            assert_eq!(l.query, None, "{bad}");
            assert_eq!(
                l.ignored,
                [format!("`q={bad}` (not a valid %-escape)")],
                "{bad}"
            );
        }
        let l = Link::parse("#trace=%ZZ");
        assert_eq!(l.trace, None);
        assert_eq!(l.ignored, ["`trace=%ZZ` (not a valid %-escape)"]);
        assert_eq!(percent_decode("%E2%82%AC %25"), Some("€ %".into()));
        assert_eq!(percent_decode("a+b"), Some("a+b".into()));
    }

    #[test]
    fn unknown_keys_empty_values_and_repeats_are_ignored_and_named() {
        let l = Link::parse(&format!(
            "#foo=1&trace={T}&trace=other&span=&zoom&cp=yes&cp=0&cp=1&q=&bare"
        ));
        assert_eq!(l.trace.as_deref(), Some(T), "the first trace counts");
        assert_eq!(l.span, None);
        assert_eq!(l.zoom, None);
        assert_eq!(l.critical_only, Some(false));
        assert_eq!(l.query.as_deref(), Some(""), "an empty filter is a filter");
        assert_eq!(
            l.ignored,
            [
                "`foo=1` (unknown key)",
                "`trace=other` (repeated)",
                "`span=` (empty)",
                "`zoom` (empty)",
                "`cp=yes` (cp is 1 or 0)",
                "`cp=1` (repeated)",
                "`bare` (unknown key)",
            ]
        );
    }

    #[test]
    fn without_a_trace_nothing_else_applies() {
        let l = Link::parse("#span=b7ad6b7169203331&q=error&cp=1&zoom=aa");
        assert_eq!(
            l,
            Link {
                ignored: vec![
                    "`span=b7ad6b7169203331` (no trace)".into(),
                    "`zoom=aa` (no trace)".into(),
                    "`q=error` (no trace)".into(),
                    "`cp=1` (no trace)".into(),
                ],
                ..Link::default()
            }
        );
    }

    #[test]
    fn a_huge_fragment_is_cut_and_long_parts_are_shortened_in_messages() {
        let huge = format!("#trace={T}&q={}", "é".repeat(100_000));
        let l = Link::parse(&huge);
        assert_eq!(l.trace.as_deref(), Some(T));
        let q = l.query.expect("the filter's start");
        assert!(q.len() < MAX_LEN && q.chars().all(|c| c == 'é'));
        assert_eq!(l.ignored.len(), 1);
        assert!(l.ignored[0].starts_with("everything after its first"));
        let l = Link::parse(&format!("#{}=1", "k".repeat(500)));
        assert_eq!(l.ignored, [format!("`{}…` (unknown key)", "k".repeat(60))]);
    }
}
