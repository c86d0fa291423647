//! A small, fast, non-cryptographic hasher for the maps of the parser and the type
//! table. Their keys are C identifiers and type-table keys that come from the user's
//! own headers, so SipHash's resistance to hash flooding buys nothing there, while
//! its cost showed up as a tenth of `cdef()` time on large headers.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` using [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` using [`FastHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// Multiply-and-rotate hashing of machine words (the scheme of Firefox's and
/// rustc's "Fx" hashers): one multiplication per 8 input bytes.
#[derive(Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

/// An odd constant with well-spread bits (2^64 divided by the golden ratio).
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // A product's low bits depend only on the low bits of what was
        // multiplied, and hashbrown picks buckets by the low bits: without the
        // rotation, names sharing their first bytes (`f0` ... `f99999`) shared
        // a handful of buckets, and a struct of n such members cost n².
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishes_keys_and_works_as_a_map() {
        let mut m: FastMap<String, u32> = FastMap::default();
        for i in 0..1000 {
            m.insert(format!("name_{i}"), i);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m["name_417"], 417);
        let h = |s: &str| {
            let mut h = FastHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(h("abc"), h("abd"));
        assert_ne!(h("ab"), h("ba"));
    }

    #[test]
    fn names_sharing_a_prefix_spread_over_the_low_bits() {
        // What hashbrown indexes its buckets with: 100,000 generated member
        // names must not crowd into few of 2^17 buckets.
        let buckets: FastSet<u64> = (0..100_000)
            .map(|i| {
                let mut h = FastHasher::default();
                h.write(format!("f{i}").as_bytes());
                h.write_u8(0xff);
                h.finish() & ((1 << 17) - 1)
            })
            .collect();
        assert!(buckets.len() > 50_000, "{} buckets", buckets.len());
    }
}
