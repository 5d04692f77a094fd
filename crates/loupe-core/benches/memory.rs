//! Heap held by a loaded `TraceSet` and peak heap while loading, measured by a counting allocator.
//!
//! For each size, a synthetic OTLP JSON file (seed 1) is written under the target directory (kept
//! between runs while its length matches), read into a `Vec<u8>` of exactly its length, then loaded
//! with `Loader::add_file` + `finish`. Figures are heap bytes counted from just before the file is
//! read, so they include the input, which the set keeps:
//!
//! - held: heap still allocated once `finish()` returned (the set, input included);
//! - peak: the most heap allocated at any moment while reading and loading;
//! - `heap_bytes()`: the set's own estimate of what it holds, printed next to the measured figure.
//!
//! ```text
//! cargo bench -p loupe-core --bench memory
//! LOUPE_BENCH_1M=1 cargo bench -p loupe-core --bench memory   # adds the 1M-span (~1.2 GB) case
//! ```

// The counting allocator needs `unsafe impl GlobalAlloc`; every unsafe block below only forwards
// to `std::alloc::System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Wraps the system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by, Ordering::Relaxed);
}

/// Blocks of at least this size are tracked one by one, to show which vectors hold the memory.
const BIG_BLOCK: usize = 1 << 20;
const SLOTS: usize = 128;
static BIG_PTR: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static BIG_SIZE: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];

fn track(ptr: *mut u8, size: usize) {
    if size < BIG_BLOCK {
        return;
    }
    let p = ptr as usize;
    for (slot, len) in BIG_PTR.iter().zip(&BIG_SIZE) {
        if slot
            .compare_exchange(0, p, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            len.store(size, Ordering::Relaxed);
            return;
        }
    }
}

fn untrack(ptr: *mut u8, size: usize) {
    if size < BIG_BLOCK {
        return;
    }
    let p = ptr as usize;
    for (slot, len) in BIG_PTR.iter().zip(&BIG_SIZE) {
        if slot.load(Ordering::Relaxed) == p {
            len.store(0, Ordering::Relaxed);
            slot.store(0, Ordering::Relaxed);
            return;
        }
    }
}

/// Sizes of the live blocks of at least [`BIG_BLOCK`] bytes, largest first.
fn big_blocks() -> Vec<usize> {
    let mut sizes: Vec<usize> = BIG_PTR
        .iter()
        .zip(&BIG_SIZE)
        .filter(|(p, _)| p.load(Ordering::Relaxed) != 0)
        .map(|(_, s)| s.load(Ordering::Relaxed))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters are plain atomics and never touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size); forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
            track(p, layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`: the caller's layout is forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
            track(p, layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was returned by this allocator, hence by `System`, with this `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
        untrack(ptr, layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was returned by `System` with `layout`, and the caller upholds
        // `realloc`'s contract for `new_size`; all forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Count the new block before releasing the old one: a moving realloc holds both.
            grew(new_size);
            shrank(layout.size());
            untrack(ptr, layout.size());
            track(p, new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SEED: u64 = 1;

fn main() {
    let big = std::env::var("LOUPE_BENCH_1M").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut sizes = vec![100_000usize];
    if big {
        sizes.push(1_000_000);
    }
    println!(
        "{:>9}  {:>14}  {:>14}  {:>6}  {:>14}  {:>6}  {:>14}  {:>8}  {:>8}",
        "spans",
        "input B",
        "held B",
        "held/in",
        "peak B",
        "peak/in",
        "heap_bytes()",
        "import s",
        "finish s"
    );
    for spans in sizes {
        measure(spans);
    }
}

fn measure(spans: usize) {
    let path = input_file(spans);

    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let bytes = std::fs::read(&path).expect("read the input");
    let input = bytes.len();

    let t0 = Instant::now();
    let mut loader = loupe_core::Loader::new();
    loader.add_file("bench.json", bytes).expect("loads");
    let t1 = Instant::now();
    let set = loader.finish();
    let t2 = Instant::now();

    let held = LIVE.load(Ordering::Relaxed) - base;
    let peak = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(set.span_count(), spans);
    println!(
        "{:>9}  {:>14}  {:>14}  {:>6.2}  {:>14}  {:>6.2}  {:>14}  {:>8.3}  {:>8.3}",
        spans,
        input,
        held,
        held as f64 / input as f64,
        peak,
        peak as f64 / input as f64,
        set.heap_bytes(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
    );
    breakdown(&set);
    drop(set);
}

/// Where the held bytes go, from the set's public parts (lengths, so lower bounds for vectors).
fn breakdown(set: &loupe_core::TraceSet) {
    use std::mem::size_of;
    let spans = set.span_count();
    let span_bytes = spans * size_of::<loupe_core::Span>();
    let attrs: usize = set.spans().iter().map(|s| s.attrs.len as usize).sum();
    let attr_bytes = attrs * size_of::<loupe_core::Attr>();
    let strings = set.strings();
    let input: usize = set.sources().iter().map(|s| s.bytes.capacity()).sum();
    let rest = set
        .heap_bytes()
        .saturating_sub(input + span_bytes + attr_bytes + strings.heap_bytes());
    let blocks: Vec<String> = big_blocks()
        .iter()
        .map(|b| format!("{:.1}", *b as f64 / 1e6))
        .collect();
    println!("{:>9}  live blocks >= 1 MiB, MB: {}", "", blocks.join(" "));
    println!(
        "{:>9}  input {input} | spans {spans} x {} B = {span_bytes} | span attrs {attrs} x {} B = \
         {attr_bytes} | strings {} distinct, {} B | rest (capacity slack, texts, events, ...) {rest}",
        "",
        size_of::<loupe_core::Span>(),
        size_of::<loupe_core::Attr>(),
        strings.len(),
        strings.heap_bytes(),
    );
}

/// Writes the input under the target directory unless a file of the expected length is there.
fn input_file(spans: usize) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
            PathBuf::from,
        )
        .join("bench-data");
    std::fs::create_dir_all(&dir).expect("create the bench data directory");
    let path = dir.join(format!("synth-{spans}-seed{SEED}.json"));
    let expected = loupe_synth::write_otlp_json(std::io::sink(), spans, SEED, false)
        .expect("writing to a sink cannot fail");
    let have = std::fs::metadata(&path).map_or(0, |m| m.len());
    if have != expected.bytes {
        let file = std::fs::File::create(&path).expect("create the input file");
        let stats =
            loupe_synth::write_otlp_json(file, spans, SEED, false).expect("write the input file");
        assert_eq!(stats, expected);
    }
    path
}
