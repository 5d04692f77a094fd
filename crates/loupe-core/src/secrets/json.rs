//! A JSON walker with an explicit stack: it reports keys, strings and numbers with their byte
//! ranges, so a caller can scan them and splice replacements into the text. No recursion, so a
//! string holding JSON nested 200,000 levels deep costs heap, not stack.

use memchr::memchr2;

/// Deepest nesting walked; deeper text is treated as plain text.
pub(crate) const MAX_DEPTH: usize = 10_000;

/// A string literal: `start` is its opening quote, `end` is one past its closing quote.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Lit {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

impl Lit {
    /// The decoded string.
    pub fn decode(self, text: &str) -> std::borrow::Cow<'_, str> {
        let inner = &text[self.start + 1..self.end - 1];
        if self.escaped {
            crate::model::decode_json_string(inner.as_bytes())
        } else {
            std::borrow::Cow::Borrowed(inner)
        }
    }
}

/// What the walker reports, in document order.
pub(crate) trait Visit {
    /// A value begins (in an array: the next element).
    fn value_start(&mut self) {}
    /// An object or array opens.
    fn open(&mut self, _is_array: bool) {}
    /// The innermost object or array closes.
    fn close(&mut self) {}
    /// An object member's key.
    fn key(&mut self, _lit: Lit) {}
    /// A string value.
    fn string(&mut self, _lit: Lit) {}
    /// A number value (`start..end`).
    fn number(&mut self, _start: usize, _end: usize) {}
}

/// Only validates.
pub(crate) struct Check;
impl Visit for Check {}

fn ws(t: &[u8], mut i: usize) -> usize {
    while i < t.len() && matches!(t[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn string(t: &[u8], i: usize) -> Option<Lit> {
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        let k = j + memchr2(b'"', b'\\', &t[j..])?;
        if t[j..k].iter().any(|&b| b < 0x20) {
            return None;
        }
        if t[k] == b'"' {
            return Some(Lit {
                start: i,
                end: k + 1,
                escaped,
            });
        }
        escaped = true;
        if k + 1 >= t.len() || t[k + 1] < 0x20 {
            return None;
        }
        j = k + 2;
    }
}

/// Walks one JSON document; `false` when it is not valid JSON (or nests deeper than [`MAX_DEPTH`]).
pub(crate) fn walk(t: &[u8], v: &mut impl Visit) -> bool {
    #[derive(Copy, Clone, PartialEq, Eq)]
    enum State {
        Value,
        ArrFirst,
        ObjFirst,
        ObjKey,
        After,
    }
    let mut stack: Vec<bool> = Vec::new();
    let mut state = State::Value;
    let mut i = ws(t, 0);
    loop {
        match state {
            State::ArrFirst if t.get(i) == Some(&b']') => {
                stack.pop();
                v.close();
                i += 1;
                state = State::After;
            }
            State::Value | State::ArrFirst => {
                v.value_start();
                match t.get(i) {
                    Some(b'{') => {
                        if stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(false);
                        v.open(false);
                        i += 1;
                        state = State::ObjFirst;
                    }
                    Some(b'[') => {
                        if stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(true);
                        v.open(true);
                        i += 1;
                        state = State::ArrFirst;
                    }
                    Some(b'"') => {
                        let Some(lit) = string(t, i) else {
                            return false;
                        };
                        v.string(lit);
                        i = lit.end;
                        state = State::After;
                    }
                    Some(b'-' | b'0'..=b'9') => {
                        let s = i;
                        i += 1;
                        while i < t.len()
                            && matches!(t[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                        {
                            i += 1;
                        }
                        v.number(s, i);
                        state = State::After;
                    }
                    Some(_) => {
                        let rest = &t[i..];
                        let n = if rest.starts_with(b"true") || rest.starts_with(b"null") {
                            4
                        } else if rest.starts_with(b"false") {
                            5
                        } else {
                            return false;
                        };
                        i += n;
                        state = State::After;
                    }
                    None => return false,
                }
            }
            State::ObjFirst if t.get(i) == Some(&b'}') => {
                stack.pop();
                v.close();
                i += 1;
                state = State::After;
            }
            State::ObjFirst | State::ObjKey => {
                if t.get(i) != Some(&b'"') {
                    return false;
                }
                let Some(lit) = string(t, i) else {
                    return false;
                };
                v.key(lit);
                i = ws(t, lit.end);
                if t.get(i) != Some(&b':') {
                    return false;
                }
                i += 1;
                state = State::Value;
            }
            State::After => match (stack.last(), t.get(i)) {
                (None, None) => return true,
                (None, Some(_)) => return false,
                (Some(_), Some(b',')) => {
                    i += 1;
                    state = if stack.last() == Some(&true) {
                        State::Value
                    } else {
                        State::ObjKey
                    };
                }
                (Some(true), Some(b']')) | (Some(false), Some(b'}')) => {
                    stack.pop();
                    v.close();
                    i += 1;
                }
                _ => return false,
            },
        }
        i = ws(t, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);
    impl Visit for Log {
        fn open(&mut self, a: bool) {
            self.0.push(if a { "[".into() } else { "{".into() });
        }
        fn close(&mut self) {
            self.0.push("end".into());
        }
        fn key(&mut self, l: Lit) {
            self.0.push(format!("k{}-{}", l.start, l.end));
        }
        fn string(&mut self, l: Lit) {
            self.0.push(format!(
                "s{}-{}{}",
                l.start,
                l.end,
                if l.escaped { "e" } else { "" }
            ));
        }
        fn number(&mut self, s: usize, e: usize) {
            self.0.push(format!("n{s}-{e}"));
        }
    }

    #[test]
    fn walks_valid_json() {
        let mut log = Log::default();
        assert!(walk(br#"{"a": [1, "x\"y", {}], "b": null}"#, &mut log));
        assert_eq!(
            log.0,
            [
                "{", "k1-4", "[", "n7-8", "s10-16e", "{", "end", "end", "k23-26", "end"
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in [
            &b"{"[..],
            b"{\"a\" 1}",
            b"[1,]x",
            b"[1 2]",
            b"{\"a\":1,}",
            b"\"unterminated",
            b"[\"raw\ncontrol\"]",
            b"{} {}",
            b"",
            b"nope",
        ] {
            assert!(!walk(bad, &mut Check), "{}", String::from_utf8_lossy(bad));
        }
        for good in [
            &b"[]"[..],
            b"{}",
            b" [ ] ",
            b"\"s\"",
            b"1",
            b"[[[]]]",
            b"{\"a\":{\"b\":[true,false,null]}}",
        ] {
            assert!(walk(good, &mut Check), "{}", String::from_utf8_lossy(good));
        }
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(!walk(deep.as_bytes(), &mut Check), "deeper than MAX_DEPTH");
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(walk(ok.as_bytes(), &mut Check));
    }
}
