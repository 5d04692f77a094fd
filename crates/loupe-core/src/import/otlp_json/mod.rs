//! OTLP JSON: `ExportTraceServiceRequest` / `TracesData` documents, JSON Lines of them (the Collector's
//! file exporter), Jaeger api_v3's `{"result": …}` wrapper, the older `instrumentationLibrarySpans`,
//! lowerCamelCase and snake_case field names, hex or base64 ids, int64 as strings or numbers, enums
//! as numbers or names.
//!
//! Parsing streams straight into the [`Builder`]: no intermediate tree, strings borrowed from the
//! input, long strings left in place as byte ranges. A hand-written reader ([`scan`]) reads files
//! of the usual shape; anything it does not handle (and every error) goes to the serde seeds
//! below, which make the same builder calls.

use crate::builder::Builder;
use crate::error::ImportError;
use crate::import::common::{Importer, Input};
use crate::import::common::{
    InputBounds, LineErrors, Pos, document_error, has_key, head, is_json_lines, lines, trim_start,
};

mod parts;
mod scan;
mod seeds;

use parts::{Ctx, EXPECTED};
use seeds::parse;

/// The OTLP JSON importer.
#[derive(Debug, Clone, Copy)]
pub struct OtlpJson;

impl Importer for OtlpJson {
    fn format(&self) -> &'static str {
        "otlp-json"
    }

    fn sniff(&self, bytes: &[u8]) -> Result<(), String> {
        let b = trim_start(bytes);
        if b.first() != Some(&b'{') {
            return Err("not a JSON object".into());
        }
        let h = head(b, 1 << 16);
        if has_key(h, "resourceSpans") || has_key(h, "resource_spans") {
            Ok(())
        } else {
            Err("no `resourceSpans` key in the first 64 KiB".into())
        }
    }

    fn import(&self, input: &Input<'_>, b: &mut Builder) -> Result<(), ImportError> {
        // About 1 KB per span in typical agent traces (1.2 KB in `loupe-synth`'s): reserve once,
        // a little over, instead of regrowing. Pages reserved but never written cost nothing, and
        // `finish` gives back what was not used.
        b.reserve_spans(input.bytes.len() / 1000);
        // Valid UTF-8 throughout (the usual case) lets serde_json skip validating each string:
        // one fast pass here instead of one per string. Otherwise fall back to reading bytes.
        let text = std::str::from_utf8(input.bytes).ok();
        let json_lines = is_json_lines(input.bytes);
        if let Some(text) = text {
            // The fast reader first; if it gives up, undo what it added and use the seeds.
            let cp = b.checkpoint();
            let mut ctx = Ctx {
                b: &mut *b,
                input: InputBounds::of(input.bytes),
                bytes: input.bytes,
                limits: input.limits,
                depth: 0,
            };
            if scan_text(&mut ctx, text, json_lines).is_ok() {
                return Ok(());
            }
            b.rollback_source(cp);
        }
        self.import_seeds(input, b, text, json_lines)
    }
}

/// Reads the whole input with the fast reader ([`scan`]).
fn scan_text(ctx: &mut Ctx<'_>, text: &str, json_lines: bool) -> Result<(), scan::Bail> {
    if json_lines {
        for (_, line) in lines(text.as_bytes()) {
            let at = line.as_ptr() as usize - text.as_ptr() as usize;
            scan::document(ctx, text.get(at..at + line.len()).ok_or(scan::Bail)?)?;
        }
        Ok(())
    } else {
        let start = text.len() - trim_start(text.as_bytes()).len();
        scan::document(ctx, text.get(start..).ok_or(scan::Bail)?)
    }
}

impl OtlpJson {
    /// Reads the input with the serde seeds.
    fn import_seeds(
        &self,
        input: &Input<'_>,
        b: &mut Builder,
        text: Option<&str>,
        json_lines: bool,
    ) -> Result<(), ImportError> {
        let bounds = InputBounds::of(input.bytes);
        if json_lines {
            let mut errors =
                LineErrors::new(input.name, EXPECTED, "the rest of this line was skipped");
            for (number, line) in lines(input.bytes) {
                let mut ctx = Ctx {
                    b: &mut *b,
                    input: bounds,
                    bytes: input.bytes,
                    limits: input.limits,
                    depth: 0,
                };
                // A line cut from valid UTF-8 text at '\n' is valid UTF-8 too: slice the text.
                let at = line.as_ptr() as usize - input.bytes.as_ptr() as usize;
                let r = match text.and_then(|t| t.get(at..at + line.len())) {
                    Some(l) => parse(&mut serde_json::Deserializer::from_str(l), &mut ctx),
                    None => parse(&mut serde_json::Deserializer::from_slice(line), &mut ctx),
                };
                match r {
                    Ok(()) => errors.read(),
                    // Spans read before the error in the line are kept; a byte-order mark is not
                    // skipped (the line fails at column 1).
                    Err(e) => errors.failed(b, number, 0, &e),
                }
            }
            errors.finish(b)
        } else {
            let mut ctx = Ctx {
                b,
                input: bounds,
                bytes: input.bytes,
                limits: input.limits,
                depth: 0,
            };
            let start = input.bytes.len() - trim_start(input.bytes).len();
            let r = match text.and_then(|t| t.get(start..)) {
                Some(t) => parse(&mut serde_json::Deserializer::from_str(t), &mut ctx),
                None => parse(
                    &mut serde_json::Deserializer::from_slice(&input.bytes[start..]),
                    &mut ctx,
                ),
            };
            r.map_err(|e| document_error(input.name, Pos::of(input.bytes), start, &e, EXPECTED))
        }
    }
}

#[cfg(test)]
mod tests;
