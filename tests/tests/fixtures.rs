//! Every fixture under `tests/fixtures/<format>/{valid,invalid}` goes through the importers and is
//! snapshotted whole (spans, attributes, events, links, warnings, or the error).

use loupe_tests::{dump, files_in, fixtures_dir};
use std::collections::BTreeSet;
use std::path::Path;

fn snapshot_name(path: &Path) -> String {
    let rel = path
        .strip_prefix(fixtures_dir())
        .expect("fixture under tests/fixtures");
    rel.to_string_lossy().replace(['/', '\\', '.'], "__")
}

/// Every `<format>/valid` and `<format>/invalid` folder, sorted.
fn fixture_dirs() -> Vec<(std::path::PathBuf, bool)> {
    let mut formats: Vec<_> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("valid").is_dir() || p.join("invalid").is_dir())
        .collect();
    formats.sort();
    formats
        .into_iter()
        .flat_map(|f| [(f.join("valid"), true), (f.join("invalid"), false)])
        .filter(|(d, _)| d.is_dir())
        .collect()
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    let _guard = settings.bind_to_scope();
    let mut seen = 0;
    for (dir, valid) in fixture_dirs() {
        for path in files_in(&dir) {
            seen += 1;
            let bytes = std::fs::read(&path).expect("read fixture");
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = match loupe_core::load(&name, bytes) {
                Ok(set) => {
                    if valid {
                        assert!(set.span_count() > 0, "{name}: a valid fixture loads spans");
                        assert!(
                            set.warnings().is_empty()
                                || set.warnings().iter().all(|w| matches!(
                                    w.code,
                                    loupe_core::WarningCode::Orphan
                                        | loupe_core::WarningCode::DuplicateSpanId
                                )),
                            "{name}: a valid fixture loads without import warnings: {:?}",
                            set.warnings()
                        );
                    } else {
                        assert!(
                            !set.warnings().is_empty(),
                            "{name}: an invalid fixture that loads must say what was wrong"
                        );
                    }
                    dump(&set)
                }
                Err(e) => {
                    assert!(!valid, "{name}: valid fixture failed: {e}");
                    assert!(
                        e.to_string().starts_with(&name),
                        "errors name the file: {e}"
                    );
                    format!("error: {e}\n")
                }
            };
            insta::assert_snapshot!(snapshot_name(&path), text);
        }
    }
    assert!(seen >= 10, "fixtures were found ({seen})");
}

/// A snapshot whose fixture is gone is an error: stale snapshots hide nothing and test nothing.
#[test]
fn no_unreferenced_snapshots() {
    let expected: BTreeSet<String> = fixture_dirs()
        .into_iter()
        .flat_map(|(dir, _)| files_in(&dir))
        .map(|p| format!("{}.snap", snapshot_name(&p)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list the snapshots in {}: {e}", dir.display()));
    let mut stale = Vec::new();
    for entry in entries {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            stale.push(format!("{name} (unreviewed; run `cargo insta review`)"));
        } else if name.ends_with(".snap") && !expected.contains(&name) {
            stale.push(name);
        }
    }
    assert!(stale.is_empty(), "snapshots without a fixture: {stale:?}");
}
