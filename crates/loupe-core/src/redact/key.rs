//! The hash key of a redaction, read from hex (how the viewer passes it to the engine).

/// Bytes a hash key must have at least, read from hex (the CLI and the viewer use 32).
pub const MIN_KEY_BYTES: usize = 16;

/// Why a hash key written as hex could not be read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// No key was given.
    #[error("the hash key is empty; expected {} hex digits (32 random bytes)", 2 * 32)]
    Empty,
    /// A character that is not a hex digit.
    #[error(
        "the hash key has `{found}` at position {at}; expected only hex digits (0-9, a-f, A-F)"
    )]
    NotHex {
        /// Its character position, from 0.
        at: usize,
        /// The character.
        found: char,
    },
    /// An odd number of digits (half a byte).
    #[error("the hash key has {digits} hex digits; expected an even number (two per byte)")]
    OddLength {
        /// The digits given.
        digits: usize,
    },
    /// Too few bytes to be a key.
    #[error(
        "the hash key has {bytes} byte(s); expected at least {MIN_KEY_BYTES} (32 random bytes are usual)"
    )]
    TooShort {
        /// The bytes given.
        bytes: usize,
    },
}

/// Reads a hash key written as hex: an even number of hex digits, at least [`MIN_KEY_BYTES`]
/// bytes. Anything else is an error, never a key of zeros or a key of what could be read.
pub fn key_from_hex(hex: &str) -> Result<Vec<u8>, KeyError> {
    if hex.is_empty() {
        return Err(KeyError::Empty);
    }
    let mut digits = Vec::with_capacity(hex.len());
    for (at, c) in hex.chars().enumerate() {
        match c.to_digit(16) {
            Some(d) => digits.push(d as u8),
            None => return Err(KeyError::NotHex { at, found: c }),
        }
    }
    if digits.len() % 2 == 1 {
        return Err(KeyError::OddLength {
            digits: digits.len(),
        });
    }
    let key: Vec<u8> = digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect();
    if key.len() < MIN_KEY_BYTES {
        return Err(KeyError::TooShort { bytes: key.len() });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hex_keys() {
        let key = key_from_hex(&"0aF1".repeat(8)).expect("a key");
        assert_eq!(key.len(), 16);
        assert_eq!(&key[..2], &[0x0a, 0xf1]);
        assert_eq!(key_from_hex(&"00".repeat(32)).expect("a key"), vec![0; 32]);
    }

    #[test]
    fn malformed_keys_are_errors() {
        assert_eq!(key_from_hex(""), Err(KeyError::Empty));
        let bad = format!("{}zz", "ab".repeat(16));
        let e = key_from_hex(&bad).expect_err("not hex");
        assert_eq!(e, KeyError::NotHex { at: 32, found: 'z' });
        assert!(e.to_string().contains("`z` at position 32"), "{e}");
        assert!(e.to_string().contains("expected only hex digits"), "{e}");
        assert_eq!(
            key_from_hex(&"a".repeat(33)),
            Err(KeyError::OddLength { digits: 33 })
        );
        let e = key_from_hex("abcd").expect_err("too short");
        assert_eq!(e, KeyError::TooShort { bytes: 2 });
        assert!(e.to_string().contains("at least 16"), "{e}");
        assert!(key_from_hex("é").is_err());
    }
}
