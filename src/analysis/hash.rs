//! Fixed, stable hashing.
//!
//! std's `RandomState` is seeded per process, so anything that reaches an output (bucket keys,
//! MinHash values, fingerprints) uses these functions instead: the same text hashes to the same
//! value on every run, machine and thread count.

/// FNV-1a 64-bit offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Incremental FNV-1a hasher, finished with a 64-bit mix so that short keys spread over all bits.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(FNV_OFFSET)
    }
}

impl Fnv {
    /// Starts a hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a hasher whose output differs from other seeds' for the same input.
    pub fn with_seed(seed: u64) -> Self {
        Fnv(FNV_OFFSET ^ mix64(seed))
    }

    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }

    /// Feeds a string followed by a separator byte that never occurs in UTF-8, so that
    /// `["ab", "c"]` and `["a", "bc"]` hash differently.
    pub fn write_str(&mut self, s: &str) {
        self.write(s.as_bytes());
        self.write(&[0xFF]);
    }

    /// Feeds a u64 (little endian).
    pub fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }

    /// The mixed hash value.
    pub fn finish(&self) -> u64 {
        mix64(self.0)
    }
}

/// FNV-1a of one string, mixed.
pub fn fnv1a(s: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(s.as_bytes());
    h.finish()
}

/// SplitMix64 finaliser: a bijective avalanche mix of 64 bits.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A deterministic stream of well-mixed u64s from a seed (SplitMix64), used for MinHash seeds.
pub fn splitmix_stream(seed: u64, n: usize) -> Vec<u64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix64(state)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Raw FNV-1a of "a" is 0xaf63dc4c8601ec8c; we return it mixed, and that must not change.
        let mut raw = Fnv::new();
        raw.write(b"a");
        assert_eq!(raw.0, 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("a"), mix64(0xaf63_dc4c_8601_ec8c));
        assert_ne!(fnv1a("a"), fnv1a("b"));
    }

    #[test]
    fn separators_matter() {
        let mut a = Fnv::new();
        a.write_str("ab");
        a.write_str("c");
        let mut b = Fnv::new();
        b.write_str("a");
        b.write_str("bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn stream_is_fixed() {
        assert_eq!(splitmix_stream(7, 4), splitmix_stream(7, 4));
        assert_ne!(splitmix_stream(7, 4), splitmix_stream(8, 4));
    }
}
