//! Importers: one module per format behind the [`Importer`] trait, chosen by content, never by file name.

pub mod anyagent;
pub mod bundle;
pub(crate) mod common;
pub mod jaeger;
pub mod openai_agents;
pub mod otlp_json;
pub mod otlp_proto;
pub mod span_events;
pub mod zipkin;

pub use common::{Importer, Input, Limits};

use crate::builder::Builder;
use crate::error::ImportError;
use crate::model::{SourceId, TraceSet};
use crate::warning::WarningCode;
use std::io::Read;

/// Every importer, most specific first.
pub fn importers() -> &'static [&'static dyn Importer] {
    &[
        &otlp_json::OtlpJson,
        &otlp_proto::OtlpProto,
        &jaeger::JaegerJson,
        // Before Zipkin: a span-events line may name its ids `traceId` and `id` too.
        &span_events::SpanEvents,
        &zipkin::ZipkinJson,
        &openai_agents::OpenAiAgents,
        &anyagent::AnyAgent,
    ]
}

/// What one file contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The file's id in the set.
    pub source: SourceId,
    /// The importer that read it.
    pub format: &'static str,
    /// Spans read from it.
    pub span_count: u32,
}

/// Loads files one after another into one set; spans of one trace join across files.
#[derive(Debug, Default)]
pub struct Loader {
    builder: Builder,
    limits: Limits,
    /// The notes of each bundle read, attached to spans once the set is finished.
    notes: Vec<(SourceId, crate::notes::Notes)>,
}

impl Loader {
    /// A loader with default limits.
    pub fn new() -> Self {
        Loader::default()
    }

    /// A loader with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Loader {
            builder: Builder::default(),
            limits,
            notes: Vec::new(),
        }
    }

    /// Continues from a finished set, to add more files to it.
    pub fn from_set(set: TraceSet, limits: Limits) -> Self {
        Loader {
            builder: Builder::from_set(set),
            limits,
            notes: Vec::new(),
        }
    }

    /// Reads one file. On error nothing of that file is kept and everything loaded before stays.
    /// A bundle ([`bundle`]) is opened first; its notes join the set's.
    pub fn add_file(&mut self, name: &str, bytes: Vec<u8>) -> Result<FileRead, ImportError> {
        let (bytes, compressed_len) = self.decompress(name, bytes)?;
        let (bytes, bundle) = if bundle::sniff(&bytes) {
            let opened = bundle::open(name, bytes)?;
            (opened.document, Some(opened.notes))
        } else {
            (bytes, None)
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ImportError::Empty {
                file: name.to_owned(),
            });
        }
        let mut tried = Vec::new();
        let mut chosen = None;
        for imp in importers() {
            match imp.sniff(&bytes) {
                Ok(()) => {
                    chosen = Some(*imp);
                    break;
                }
                Err(why) => tried.push((imp.format(), why)),
            }
        }
        let Some(importer) = chosen else {
            return Err(ImportError::Unrecognized {
                file: name.to_owned(),
                tried,
            });
        };
        let (bytes, invalid_utf8) = if importer.is_text() {
            lossy_utf8(bytes)
        } else {
            (bytes, None)
        };
        let format = match bundle {
            Some(_) => bundle::BUNDLE_FORMAT,
            None => importer.format(),
        };
        self.builder.set_limits(self.limits);
        let cp = self.builder.checkpoint();
        let source = self.builder.begin_source(name, format, compressed_len);
        if let Some(bad) = invalid_utf8 {
            self.builder
                .warn(WarningCode::InvalidUtf8, || bad.message());
        }
        let result = importer.import(
            &Input {
                name,
                bytes: &bytes,
                limits: self.limits,
            },
            &mut self.builder,
        );
        if let Err(e) = result {
            if self.builder.current_span_count() == 0 {
                self.builder.rollback(cp, source);
                return Err(e);
            }
            let kept = self.builder.current_span_count();
            self.builder.warn(WarningCode::Truncated, || {
                format!("{e}; the {kept} spans read before this point were kept")
            });
        }
        self.builder.set_source_bytes(source, bytes);
        if let Some(notes) = bundle {
            self.notes.push((source, notes));
        }
        Ok(FileRead {
            source,
            format,
            span_count: self.builder.current_span_count(),
        })
    }

    fn decompress(
        &self,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<(Vec<u8>, Option<usize>), ImportError> {
        if bytes.len() > self.limits.max_file_bytes {
            return Err(ImportError::Limit {
                file: name.to_owned(),
                message: format!(
                    "the file is {} bytes, over the limit of {} bytes; raise the limit or split the file",
                    bytes.len(),
                    self.limits.max_file_bytes
                ),
            });
        }
        if !bytes.starts_with(&[0x1f, 0x8b]) {
            return Ok((bytes, None));
        }
        let compressed_len = bytes.len();
        // The gzip trailer holds the size mod 2^32: a hint for the allocation, never trusted beyond the limit.
        let hint = bytes
            .get(bytes.len().saturating_sub(4)..)
            .and_then(|t| <[u8; 4]>::try_from(t).ok())
            .map_or(0, |t| u32::from_le_bytes(t) as usize)
            .min(self.limits.max_decompressed_bytes);
        // Reserved fallibly: a trailer may claim more than this process can hold (wasm32 has
        // 4 GiB at most); then the buffer grows as the data comes, and running out of memory on
        // the way is an error, not an abort.
        let mut out = Vec::new();
        if out.try_reserve_exact(hint.max(compressed_len)).is_err() {
            out = Vec::new();
        }
        let limit = self.limits.max_decompressed_bytes as u64;
        let mut reader = flate2::read::MultiGzDecoder::new(&bytes[..]).take(limit + 1);
        reader.read_to_end(&mut out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::OutOfMemory {
                ImportError::Limit {
                    file: name.to_owned(),
                    message: format!(
                        "there is not enough memory to decompress it ({} inflated when memory ran out); \
                         open it on a machine or in a browser with more memory, or split it",
                        crate::units::megabytes(out.len() as u64)
                    ),
                }
            } else {
                ImportError::Gzip {
                    file: name.to_owned(),
                    message: e.to_string(),
                }
            }
        })?;
        if out.len() as u64 > limit {
            return Err(ImportError::Limit {
                file: name.to_owned(),
                message: format!(
                    "it decompresses to more than {limit} bytes, the limit; raise the limit to open it"
                ),
            });
        }
        Ok((out, Some(compressed_len)))
    }

    /// Links the trees, attaches the bundles' notes to their spans, and returns the set.
    pub fn finish(self) -> TraceSet {
        let mut set = self.builder.finish();
        for (source, mut notes) in self.notes {
            let landed = crate::notes::attach(&mut notes, &set);
            for (a, l) in notes.annotations.iter().zip(landed) {
                if l == crate::notes::Attached::Detached {
                    set.warnings.push(crate::warning::Warning {
                        code: WarningCode::DetachedNote,
                        source: Some(source),
                        message: format!(
                            "note {} ({}) points at {}, which is not in the files, and no one span has its path; it is kept, on no span",
                            a.id,
                            a.label,
                            match &a.span_id {
                                Some(s) => format!("span {s} of trace {}", a.trace_id),
                                None => format!("trace {}", a.trace_id),
                            }
                        ),
                    });
                }
            }
            set.notes.merge(notes);
        }
        set
    }
}

/// Loads a single file into a set.
pub fn load(name: &str, bytes: Vec<u8>) -> Result<TraceSet, ImportError> {
    let mut loader = Loader::new();
    loader.add_file(name, bytes)?;
    Ok(loader.finish())
}

/// Where a text file was not UTF-8: the first bad byte's offset and how many bad sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InvalidUtf8 {
    first_offset: usize,
    sequences: usize,
}

impl InvalidUtf8 {
    fn message(self) -> String {
        format!(
            "{} byte sequence(s) are not UTF-8, the first at byte offset {}; they were read as U+FFFD replacement characters (re-save the file as UTF-8 to keep them)",
            self.sequences, self.first_offset
        )
    }
}

/// The bytes as UTF-8: unchanged when they are, else each invalid sequence replaced by U+FFFD.
fn lossy_utf8(bytes: Vec<u8>) -> (Vec<u8>, Option<InvalidUtf8>) {
    let Err(e) = std::str::from_utf8(&bytes) else {
        return (bytes, None);
    };
    let first_offset = e.valid_up_to();
    let sequences = bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (
        text.into_bytes(),
        Some(InvalidUtf8 {
            first_offset,
            sequences,
        }),
    )
}

#[cfg(test)]
mod utf8_tests {
    use super::*;

    #[test]
    fn a_text_file_with_bytes_that_are_not_utf8_is_read_with_a_warning() {
        let mut doc = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"00000000000000a1","name":"chat ok","startTimeUnixNano":"1","endTimeUnixNano":"9","attributes":[{"key":"prompt","value":{"stringValue":"caf"#.to_vec();
        let at = doc.len();
        doc.extend_from_slice(b"\xe9 and \xff\xfe mail jane.doe@acme-corp.io\"}}]}]}]}]}");
        let set = load("bad.json", doc).expect("read lossily");
        assert_eq!(set.span_count(), 1);
        let w: Vec<_> = set
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::InvalidUtf8)
            .collect();
        assert_eq!(w.len(), 1, "{:?}", set.warnings);
        assert!(
            w[0].message.starts_with(&format!(
                "3 byte sequence(s) are not UTF-8, the first at byte offset {at};"
            )),
            "{}",
            w[0].message
        );
        let prompt = set
            .attrs
            .iter()
            .find(|a| set.str(a.key) == "prompt")
            .and_then(|a| set.value_str(a.value))
            .expect("prompt");
        assert_eq!(
            prompt,
            "caf\u{fffd} and \u{fffd}\u{fffd} mail jane.doe@acme-corp.io"
        );
    }

    #[test]
    fn utf8_files_are_left_as_they_are() {
        let (bytes, bad) = lossy_utf8("caf\u{e9}".as_bytes().to_vec());
        assert_eq!(bytes, "caf\u{e9}".as_bytes());
        assert!(bad.is_none());
    }
}
