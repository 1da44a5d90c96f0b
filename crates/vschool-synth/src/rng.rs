//! Seeded randomness. Every random choice comes from a ChaCha stream named by the seed, a
//! domain (what is being generated) and an index (which child, pupil, school…), so output does
//! not depend on the order things are generated in, and adding a draw in one place does not
//! shift every later draw elsewhere.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) type SynthRng = ChaCha8Rng;

/// What a stream generates; mixed into its seed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Domain {
    Arrivals = 1,
    Child = 2,
    Settings = 3,
    Pupil = 4,
    Attendance = 5,
    School = 6,
    Workers = 7,
    Allocation = 8,
    Outcomes = 9,
    Contacts = 10,
    /// Derivations in the file writers, seeded from the data itself (no seed is at hand).
    Files = 12,
}

/// A stream for one (domain, index) under a seed.
pub(crate) fn stream(seed: u64, domain: Domain, index: u64) -> SynthRng {
    let mixed = splitmix(seed ^ splitmix(domain as u64));
    let mut rng = ChaCha8Rng::seed_from_u64(mixed);
    rng.set_stream(index);
    rng
}

/// SplitMix64 finaliser: spreads nearby integers over the whole range.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a: a stable hash of text (std's hasher may change between Rust releases).
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    splitmix(h)
}

pub(crate) fn chance(rng: &mut SynthRng, p: f64) -> bool {
    rng.gen::<f64>() < p
}

/// Uniform integer in `lo..=hi`.
pub(crate) fn between(rng: &mut SynthRng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    rng.gen_range(lo..=hi)
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut SynthRng) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(1e-12);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A log-normal draw with the given median and log-scale spread.
pub(crate) fn lognormal(rng: &mut SynthRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A whole number of days from a log-normal, clamped to `[lo, hi]`.
pub(crate) fn lognormal_days(rng: &mut SynthRng, median: f64, sigma: f64, lo: i64, hi: i64) -> i64 {
    (lognormal(rng, median, sigma).round() as i64).clamp(lo, hi)
}

/// A geometric count ≥ 1 with the given mean.
pub(crate) fn geometric(rng: &mut SynthRng, mean: f64) -> u32 {
    if mean <= 1.0 {
        return 1;
    }
    let p = 1.0 / mean;
    let u: f64 = rng.gen::<f64>().max(1e-12);
    (1.0 + (u.ln() / (1.0 - p).ln()).floor()).clamp(1.0, 10_000.0) as u32
}

/// A Poisson count (Knuth's method; the means used here are small).
pub(crate) fn poisson(rng: &mut SynthRng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda > 30.0 {
        return (lambda + lambda.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let l = (-lambda).exp();
    let mut k = 0u32;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

/// Picks an item with probability proportional to its weight.
pub(crate) fn weighted<T: Copy>(rng: &mut SynthRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w.max(0.0)).sum();
    let mut x = rng.gen::<f64>() * total;
    for (item, w) in items {
        let w = w.max(0.0);
        if x < w {
            return *item;
        }
        x -= w;
    }
    // Rounding can leave x a hair above the last weight: the last item with weight wins.
    items
        .iter()
        .rev()
        .find(|(_, w)| *w > 0.0)
        .or(items.last())
        .map(|(i, _)| *i)
        .unwrap_or_else(|| items[0].0)
}

/// Picks one element uniformly.
pub(crate) fn pick<'a, T>(rng: &mut SynthRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26 via erf).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    let erf = if x >= 0.0 { y } else { -y };
    0.5 * (1.0 + erf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u32> = (0..4)
            .map(|_| 0)
            .scan(stream(1, Domain::Child, 7), |r, _| Some(r.gen()))
            .collect();
        let b: Vec<u32> = (0..4)
            .map(|_| 0)
            .scan(stream(1, Domain::Child, 7), |r, _| Some(r.gen()))
            .collect();
        let c: Vec<u32> = (0..4)
            .map(|_| 0)
            .scan(stream(1, Domain::Child, 8), |r, _| Some(r.gen()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(hash_str("abc"), hash_str("abc"));
        assert_ne!(hash_str("abc"), hash_str("abd"));
    }

    #[test]
    fn distributions_have_their_means() {
        let mut r = stream(3, Domain::Arrivals, 0);
        let n = 20_000;
        let g: f64 = (0..n)
            .map(|_| f64::from(geometric(&mut r, 3.0)))
            .sum::<f64>()
            / n as f64;
        assert!((g - 3.0).abs() < 0.1, "{g}");
        let p: f64 = (0..n).map(|_| f64::from(poisson(&mut r, 2.5))).sum::<f64>() / n as f64;
        assert!((p - 2.5).abs() < 0.1, "{p}");
        let z: f64 = (0..n).map(|_| normal(&mut r)).sum::<f64>() / n as f64;
        assert!(z.abs() < 0.05, "{z}");
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-6);
        assert!((normal_cdf(1.96) - 0.975).abs() < 1e-3);
    }
}
