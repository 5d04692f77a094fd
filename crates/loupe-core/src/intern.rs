//! String interning: every name, key and short value is stored once and addressed by a [`Sym`].

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// A handle to an interned string. `Sym::EMPTY` is the empty string.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Sym(pub(crate) u32);

impl Sym {
    /// The empty string, interned by every [`Interner`] at index 0.
    pub const EMPTY: Sym = Sym(0);

    /// Whether this is the empty string.
    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }

    /// The raw index, for compact serialisation.
    pub fn index(self) -> u32 {
        self.0
    }
}

/// An append-only string pool: all bytes in one buffer, one hash table of indices.
#[derive(Clone)]
pub struct Interner {
    bytes: String,
    /// `ends[i]` is the end offset of string `i` in `bytes`; its start is `ends[i - 1]`.
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.ends.len())
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            bytes: String::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            hasher: FxBuildHasher,
        };
        let empty = interner.intern("");
        debug_assert_eq!(empty, Sym::EMPTY);
        interner
    }
}

impl Interner {
    /// Returns the handle of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> Sym {
        let hash = self.hasher.hash_one(s);
        let Interner {
            bytes, ends, table, ..
        } = self;
        let found = table.find(hash, |&i| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &bytes[start..ends[i]] == s
        });
        if let Some(&i) = found {
            return Sym(i);
        }
        let index = u32::try_from(ends.len()).expect("more than 4 billion distinct strings");
        bytes.push_str(s);
        ends.push(bytes.len());
        let hasher = self.hasher;
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table.insert_unique(hash, index, |&i| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            hasher.hash_one(&bytes[start..ends[i]])
        });
        Sym(index)
    }

    /// Looks `s` up without adding it.
    pub fn get(&self, s: &str) -> Option<Sym> {
        let hash = self.hasher.hash_one(s);
        self.table
            .find(hash, |&i| self.resolve(Sym(i)) == s)
            .map(|&i| Sym(i))
    }

    /// The string behind a handle.
    pub fn resolve(&self, sym: Sym) -> &str {
        let i = sym.0 as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Always false: the empty string is always present.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Bytes held by the pool (payload, offsets and table).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * size_of::<usize>()
            + self.table.capacity() * (size_of::<u32>() + 1)
    }

    /// Makes room for about `strings` more strings of `bytes` bytes in all, so a big import does not
    /// rehash the table again and again.
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.bytes.reserve(bytes);
        self.ends.reserve(strings);
        let (b, e, hasher) = (&self.bytes, &self.ends, self.hasher);
        self.table.reserve(strings, |&i| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { e[i - 1] };
            hasher.hash_one(&b[start..e[i]])
        });
    }

    /// Gives back memory reserved but not used.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
        let (b, e, hasher) = (&self.bytes, &self.ends, self.hasher);
        self.table.shrink_to_fit(|&i| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { e[i - 1] };
            hasher.hash_one(&b[start..e[i]])
        });
    }

    /// Drops every string added after the first `len` (used to roll back a failed import).
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.ends.len() {
            return;
        }
        self.table.retain(|&mut i| (i as usize) < len);
        self.bytes.truncate(self.ends[len - 1]);
        self.ends.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_each_string_once() {
        let mut i = Interner::default();
        let a = i.intern("chat gpt-4o");
        let b = i.intern("execute_tool");
        assert_ne!(a, b);
        assert_eq!(i.intern("chat gpt-4o"), a);
        assert_eq!(i.resolve(a), "chat gpt-4o");
        assert_eq!(i.resolve(b), "execute_tool");
        assert_eq!(i.intern(""), Sym::EMPTY);
        assert_eq!(i.len(), 3);
        assert_eq!(i.get("execute_tool"), Some(b));
        assert_eq!(i.get("nope"), None);
    }

    #[test]
    fn truncate_forgets_later_strings() {
        let mut i = Interner::default();
        let a = i.intern("a");
        let len = i.len();
        i.intern("b");
        i.truncate(len);
        assert_eq!(i.get("b"), None);
        assert_eq!(i.get("a"), Some(a));
        let b = i.intern("b");
        assert_eq!(i.resolve(b), "b");
    }
}
