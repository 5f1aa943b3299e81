//! Random streams: one portable generator per (scenario seed, replication).
//!
//! Xoshiro256++ (rand_xoshiro) has a fixed, documented algorithm, unlike `StdRng`. Its 256-bit
//! state is filled by SplitMix64 from a hash of seed and replication index, so replication r of
//! seed s draws the same numbers on any thread, shard or machine.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every replication uses.
pub type Rng = Xoshiro256PlusPlus;

/// SplitMix64 step (Steele, Lea & Flood 2014).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream of replication `rep` under `seed`.
pub fn stream(seed: u64, rep: u64) -> Rng {
    let mut s = seed;
    let a = splitmix64(&mut s);
    let mut s = a ^ rep.wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut s).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng as _;

    #[test]
    fn streams_are_pinned_values() {
        // Value stability: if this changes, every fixed-seed result changes (CHANGELOG!).
        let mut r = stream(1, 0);
        let first: u64 = r.random();
        assert_eq!(first, 8_089_978_747_140_965_633);
        let mut again = stream(1, 0);
        assert_eq!(first, again.random::<u64>());
        assert_ne!(first, stream(1, 1).random::<u64>());
        assert_ne!(first, stream(2, 0).random::<u64>());
    }
}
