//! `long double` values in memory. On x86-64 it is the x87 80-bit extended format
//! in 16 bytes; Rust has no such type, so conversions to and from `f64` are done on
//! the bits. Values are only ever *converted* here, never computed with, so no
//! precision is lost while a `long double` stays in C memory.

/// The bytes of the x87 extended value equal to `x` (exact: f64 ⊂ f80).
pub fn from_f64(x: f64) -> [u8; 16] {
    let bits = x.to_bits();
    let sign = (bits >> 63) as u16;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (e80, mant): (u16, u64) = if exp == 0 && frac == 0 {
        (0, 0)
    } else if exp == 0x7ff {
        (0x7fff, (1u64 << 63) | (frac << 11))
    } else if exp == 0 {
        // Subnormal double: normalise, the extended exponent range covers it.
        // frac's top set bit is bit (63 - lz); the value is frac * 2^-1074.
        let lz = frac.leading_zeros() as i32;
        let m = frac << lz;
        ((63 - lz - 1074 + 16383) as u16, m)
    } else {
        ((exp - 1023 + 16383) as u16, (1u64 << 63) | (frac << 11))
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&mant.to_le_bytes());
    out[8..10].copy_from_slice(&((sign << 15) | e80).to_le_bytes());
    out
}

/// The `f64` nearest to the x87 extended value in `bytes` (round to nearest even).
pub fn to_f64(bytes: &[u8]) -> f64 {
    let mant = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let se = u16::from_le_bytes([bytes[8], bytes[9]]);
    let sign = if se >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = (se & 0x7fff) as i32;
    if exp != 0 && mant >> 63 == 0 {
        // No integer bit where the format requires one (unnormals, pseudo-
        // infinities and pseudo-NaNs): the x87 refuses such an operand, and C's
        // conversion to double gives its invalid-operation result, the negative
        // "real indefinite" NaN.
        return -f64::NAN;
    }
    if exp == 0x7fff {
        // A NaN keeps its sign, which `printf("%LE")` shows (`-NAN`).
        return if mant << 1 == 0 {
            sign * f64::INFINITY
        } else {
            f64::NAN.copysign(sign)
        };
    }
    if mant == 0 {
        return sign * 0.0;
    }
    // value = mant * 2^(exp - 16383 - 63); split the mantissa so both halves are
    // exact in f64 and let one rounding happen in the final scaling.
    let e = if exp == 0 {
        1 - 16383 - 63
    } else {
        exp - 16383 - 63
    };
    let hi = (mant >> 11) as f64 * 2048.0;
    let lo = (mant & 0x7ff) as f64;
    sign * scale(hi + lo, e)
}

/// `x * 2^e` without overflowing intermediate powers.
fn scale(mut x: f64, mut e: i32) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_doubles() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            std::f64::consts::PI,
            1e300,
            -1e-300,
            5e-324,
            f64::MAX,
            f64::INFINITY,
        ] {
            assert_eq!(to_f64(&from_f64(x)).to_bits(), x.to_bits(), "{x}");
        }
        assert!(to_f64(&from_f64(f64::NAN)).is_nan());
        let negative_nan = to_f64(&from_f64(-f64::NAN));
        assert!(negative_nan.is_nan() && negative_nan.is_sign_negative());
        assert!(to_f64(&from_f64(f64::NAN)).is_sign_positive());
    }

    fn extended(exp: u16, mant: u64) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&mant.to_le_bytes());
        b[8..10].copy_from_slice(&exp.to_le_bytes());
        b
    }

    #[test]
    fn encodings_without_the_integer_bit_are_nan() {
        // Unnormal (exponent set, integer bit clear), with and without fraction,
        // and a pseudo-infinity: what (double) of them gives on x86-64.
        for (exp, mant) in [(1, 0), (16383, 1 << 62), (0x7fff, 0), (0x7fff, 1)] {
            let x = to_f64(&extended(exp, mant));
            assert!(x.is_nan() && x.is_sign_negative(), "{exp:#x} {mant:#x}");
        }
        // A pseudo-denormal (exponent 0, integer bit set) is a number: 2^-16382.
        assert_eq!(to_f64(&extended(0, 1 << 63)), 0.0);
    }

    #[test]
    fn one_has_the_x87_encoding() {
        let b = from_f64(1.0);
        assert_eq!(u64::from_le_bytes(b[..8].try_into().unwrap()), 1 << 63);
        assert_eq!(u16::from_le_bytes([b[8], b[9]]), 16383);
    }
}
