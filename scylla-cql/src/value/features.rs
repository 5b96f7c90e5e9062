//! Conversions between the value types and chrono, time, num-bigint and bigdecimal,
//! each behind its feature; and [`Emptiable`](super::Emptiable) for those types.
//!
//! Conversions into the CQL types are infallible where the CQL type covers the whole
//! range of the other type, and `TryFrom`/`TryInto` with [`ValueOverflow`] (or the
//! integer conversion error, for decimal scales) where it does not.

#[cfg(any(feature = "chrono-04", feature = "time-03"))]
use super::{CqlDate, CqlTime, CqlTimestamp, ValueOverflow};

/// Nanoseconds in a day: a `time` value is below this.
#[cfg(any(feature = "chrono-04", feature = "time-03"))]
const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;

/// A `CqlDate` from days relative to 1970-01-01 (`None` if out of its range).
#[cfg(any(feature = "chrono-04", feature = "time-03"))]
fn cql_date_from_days(days: i64) -> Option<CqlDate> {
    u32::try_from(days.checked_add(1 << 31)?).ok().map(CqlDate)
}

/// Splits a valid `time` value into seconds since midnight and nanoseconds.
#[cfg(any(feature = "chrono-04", feature = "time-03"))]
fn split_cql_time(t: CqlTime) -> Result<(u32, u32), ValueOverflow> {
    if !(0..NANOS_PER_DAY).contains(&t.0) {
        return Err(ValueOverflow);
    }
    let secs = u32::try_from(t.0 / 1_000_000_000).map_err(|_| ValueOverflow)?;
    let nanos = u32::try_from(t.0 % 1_000_000_000).map_err(|_| ValueOverflow)?;
    Ok((secs, nanos))
}

#[cfg(feature = "chrono-04")]
mod chrono_04 {
    use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

    use super::super::Emptiable;
    use super::*;

    /// `NaiveDate::num_days_from_ce` of 1970-01-01.
    const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

    impl From<NaiveDate> for CqlDate {
        fn from(date: NaiveDate) -> Self {
            let days = date.num_days_from_ce() as i64 - UNIX_EPOCH_DAYS_FROM_CE;
            // chrono's range (about ±262 000 years) is well within that of `date`
            // (about ±5.8 million years), so this always succeeds.
            cql_date_from_days(days).unwrap_or(CqlDate(if days < 0 { 0 } else { u32::MAX }))
        }
    }

    impl TryInto<NaiveDate> for CqlDate {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<NaiveDate, ValueOverflow> {
            let from_ce = self.days_since_epoch() + UNIX_EPOCH_DAYS_FROM_CE;
            let from_ce = i32::try_from(from_ce).map_err(|_| ValueOverflow)?;
            NaiveDate::from_num_days_from_ce_opt(from_ce).ok_or(ValueOverflow)
        }
    }

    impl TryFrom<NaiveTime> for CqlTime {
        type Error = ValueOverflow;

        /// Fails for a leap second (nanoseconds of 1 000 000 000 or more), which `time`
        /// cannot represent.
        fn try_from(t: NaiveTime) -> Result<Self, ValueOverflow> {
            let nanos = t.nanosecond() as i64;
            if nanos >= 1_000_000_000 {
                return Err(ValueOverflow);
            }
            Ok(CqlTime(
                t.num_seconds_from_midnight() as i64 * 1_000_000_000 + nanos,
            ))
        }
    }

    impl TryInto<NaiveTime> for CqlTime {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<NaiveTime, ValueOverflow> {
            let (secs, nanos) = split_cql_time(self)?;
            NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).ok_or(ValueOverflow)
        }
    }

    impl From<DateTime<Utc>> for CqlTimestamp {
        /// Milliseconds since the epoch, rounded down (towards the past).
        fn from(dt: DateTime<Utc>) -> Self {
            CqlTimestamp(dt.timestamp_millis())
        }
    }

    impl TryInto<DateTime<Utc>> for CqlTimestamp {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<DateTime<Utc>, ValueOverflow> {
            DateTime::<Utc>::from_timestamp_millis(self.0).ok_or(ValueOverflow)
        }
    }

    impl Emptiable for NaiveDate {}
    impl Emptiable for NaiveTime {}
    impl Emptiable for DateTime<Utc> {}
}

#[cfg(feature = "time-03")]
mod time_03 {
    use time::{Date, OffsetDateTime, Time};

    use super::super::Emptiable;
    use super::*;

    /// The Julian day number of 1970-01-01.
    const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

    impl From<Date> for CqlDate {
        fn from(date: Date) -> Self {
            let days = date.to_julian_day() as i64 - UNIX_EPOCH_JULIAN_DAY;
            // time's range (at most ±999 999 years) is within that of `date`.
            cql_date_from_days(days).unwrap_or(CqlDate(if days < 0 { 0 } else { u32::MAX }))
        }
    }

    impl TryInto<Date> for CqlDate {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<Date, ValueOverflow> {
            let julian = self.days_since_epoch() + UNIX_EPOCH_JULIAN_DAY;
            let julian = i32::try_from(julian).map_err(|_| ValueOverflow)?;
            Date::from_julian_day(julian).map_err(|_| ValueOverflow)
        }
    }

    impl From<Time> for CqlTime {
        fn from(t: Time) -> Self {
            let (h, m, s, ns) = t.as_hms_nano();
            let secs = h as i64 * 3600 + m as i64 * 60 + s as i64;
            CqlTime(secs * 1_000_000_000 + ns as i64)
        }
    }

    impl TryInto<Time> for CqlTime {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<Time, ValueOverflow> {
            let (secs, nanos) = split_cql_time(self)?;
            let h = (secs / 3600) as u8;
            let m = (secs / 60 % 60) as u8;
            let s = (secs % 60) as u8;
            Time::from_hms_nano(h, m, s, nanos).map_err(|_| ValueOverflow)
        }
    }

    impl From<OffsetDateTime> for CqlTimestamp {
        /// Milliseconds since the epoch, rounded down (towards the past).
        fn from(dt: OffsetDateTime) -> Self {
            let millis = dt.unix_timestamp_nanos().div_euclid(1_000_000);
            // time's range (at most ±999 999 years) fits easily in i64 milliseconds.
            CqlTimestamp(i64::try_from(millis).unwrap_or(if millis < 0 {
                i64::MIN
            } else {
                i64::MAX
            }))
        }
    }

    impl TryInto<OffsetDateTime> for CqlTimestamp {
        type Error = ValueOverflow;

        fn try_into(self) -> Result<OffsetDateTime, ValueOverflow> {
            OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
                .map_err(|_| ValueOverflow)
        }
    }

    impl Emptiable for Date {}
    impl Emptiable for Time {}
    impl Emptiable for OffsetDateTime {}
}

/// `From` both ways between `CqlVarint` (and its borrowed form) and a num-bigint
/// `BigInt`.
#[cfg(any(feature = "num-bigint-03", feature = "num-bigint-04"))]
macro_rules! impl_bigint_conversions {
    ($bigint:ty) => {
        impl From<$bigint> for super::CqlVarint {
            fn from(v: $bigint) -> Self {
                super::CqlVarint::from_signed_bytes_be(v.to_signed_bytes_be())
            }
        }

        impl From<super::CqlVarint> for $bigint {
            fn from(v: super::CqlVarint) -> Self {
                <$bigint>::from_signed_bytes_be(v.as_signed_bytes_be_slice())
            }
        }

        impl From<super::CqlVarintBorrowed<'_>> for $bigint {
            fn from(v: super::CqlVarintBorrowed<'_>) -> Self {
                <$bigint>::from_signed_bytes_be(v.as_signed_bytes_be_slice())
            }
        }

        impl super::Emptiable for $bigint {}
    };
}

#[cfg(feature = "num-bigint-03")]
impl_bigint_conversions!(num_bigint_03::BigInt);

#[cfg(feature = "num-bigint-04")]
impl_bigint_conversions!(num_bigint_04::BigInt);

#[cfg(feature = "bigdecimal-04")]
mod bigdecimal_04_conv {
    use bigdecimal_04::BigDecimal;
    use bigdecimal_04::num_bigint::BigInt;

    use super::super::{CqlDecimal, CqlDecimalBorrowed, Emptiable};

    impl TryFrom<BigDecimal> for CqlDecimal {
        type Error = <i64 as TryInto<i32>>::Error;

        /// Fails if the scale does not fit an `i32`.
        fn try_from(value: BigDecimal) -> Result<Self, Self::Error> {
            let (unscaled, scale) = value.into_bigint_and_exponent();
            let scale: i32 = scale.try_into()?;
            Ok(CqlDecimal::from_signed_be_bytes_and_exponent(
                unscaled.to_signed_bytes_be(),
                scale,
            ))
        }
    }

    impl From<CqlDecimal> for BigDecimal {
        fn from(value: CqlDecimal) -> Self {
            let (digits, scale) = value.as_signed_be_bytes_slice_and_exponent();
            BigDecimal::new(BigInt::from_signed_bytes_be(digits), scale as i64)
        }
    }

    impl From<CqlDecimalBorrowed<'_>> for BigDecimal {
        fn from(value: CqlDecimalBorrowed<'_>) -> Self {
            let (digits, scale) = value.as_signed_be_bytes_slice_and_exponent();
            BigDecimal::new(BigInt::from_signed_bytes_be(digits), scale as i64)
        }
    }

    impl Emptiable for BigDecimal {}
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::super::*;

    #[cfg(feature = "chrono-04")]
    #[test]
    fn chrono_dates() {
        use chrono::NaiveDate;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(CqlDate::from(epoch), CqlDate::UNIX_EPOCH);
        let before = NaiveDate::from_ymd_opt(1969, 12, 31).unwrap();
        assert_eq!(CqlDate::from(before), CqlDate((1 << 31) - 1));
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let c = CqlDate::from(d);
        assert_eq!(c.days_since_epoch(), 19782);
        let back: NaiveDate = c.try_into().unwrap();
        assert_eq!(back, d);
        // Far past and future: beyond chrono's range.
        let r: Result<NaiveDate, _> = CqlDate(0).try_into();
        assert_eq!(r, Err(ValueOverflow));
        let r: Result<NaiveDate, _> = CqlDate(u32::MAX).try_into();
        assert_eq!(r, Err(ValueOverflow));
        // chrono's extremes round-trip.
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            let back: NaiveDate = CqlDate::from(d).try_into().unwrap();
            assert_eq!(back, d);
        }
    }

    #[cfg(feature = "chrono-04")]
    #[test]
    fn chrono_times() {
        use chrono::NaiveTime;
        let t = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap();
        let c = CqlTime::try_from(t).unwrap();
        assert_eq!(c, CqlTime(86_399_999_999_999));
        let back: NaiveTime = c.try_into().unwrap();
        assert_eq!(back, t);
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        assert_eq!(CqlTime::try_from(leap), Err(ValueOverflow));
        let r: Result<NaiveTime, _> = CqlTime(-1).try_into();
        assert_eq!(r, Err(ValueOverflow));
        let r: Result<NaiveTime, _> = CqlTime(86_400_000_000_000).try_into();
        assert_eq!(r, Err(ValueOverflow));
        let midnight: NaiveTime = CqlTime(0).try_into().unwrap();
        assert_eq!(midnight, NaiveTime::MIN);
    }

    #[cfg(feature = "chrono-04")]
    #[test]
    fn chrono_timestamps() {
        use chrono::{DateTime, TimeZone, Utc};
        let dt = Utc.with_ymd_and_hms(2005, 4, 2, 19, 37, 42).unwrap();
        assert_eq!(CqlTimestamp::from(dt), CqlTimestamp(1_112_470_662_000));
        // Before the epoch, sub-millisecond parts round towards the past.
        let before = DateTime::<Utc>::from_timestamp(-1, 999_999_999).unwrap();
        assert_eq!(CqlTimestamp::from(before), CqlTimestamp(-1));
        let back: DateTime<Utc> = CqlTimestamp(-1).try_into().unwrap();
        assert_eq!(back.timestamp_millis(), -1);
        let r: Result<DateTime<Utc>, _> = CqlTimestamp(i64::MAX).try_into();
        assert_eq!(r, Err(ValueOverflow));
        let r: Result<DateTime<Utc>, _> = CqlTimestamp(i64::MIN).try_into();
        assert_eq!(r, Err(ValueOverflow));
    }

    #[cfg(feature = "time-03")]
    #[test]
    fn time_conversions() {
        use time::{Date, Month, OffsetDateTime, Time};
        let epoch = Date::from_calendar_date(1970, Month::January, 1).unwrap();
        assert_eq!(CqlDate::from(epoch), CqlDate::UNIX_EPOCH);
        let d = Date::from_calendar_date(1900, Month::March, 1).unwrap();
        let c = CqlDate::from(d);
        assert_eq!(c.days_since_epoch(), -25508);
        let back: Date = c.try_into().unwrap();
        assert_eq!(back, d);
        for d in [Date::MIN, Date::MAX] {
            let back: Date = CqlDate::from(d).try_into().unwrap();
            assert_eq!(back, d);
        }
        let r: Result<Date, _> = CqlDate(0).try_into();
        assert_eq!(r, Err(ValueOverflow));

        let t = Time::from_hms_nano(1, 2, 3, 4).unwrap();
        let c = CqlTime::from(t);
        assert_eq!(c, CqlTime(3_723_000_000_004));
        let back: Time = c.try_into().unwrap();
        assert_eq!(back, t);
        let r: Result<Time, _> = CqlTime(86_400_000_000_000).try_into();
        assert_eq!(r, Err(ValueOverflow));

        let dt = OffsetDateTime::from_unix_timestamp_nanos(-1).unwrap();
        assert_eq!(CqlTimestamp::from(dt), CqlTimestamp(-1));
        let dt = OffsetDateTime::from_unix_timestamp_nanos(1_999_999).unwrap();
        assert_eq!(CqlTimestamp::from(dt), CqlTimestamp(1));
        let back: OffsetDateTime = CqlTimestamp(-1500).try_into().unwrap();
        assert_eq!(back.unix_timestamp_nanos(), -1_500_000_000);
        let r: Result<OffsetDateTime, _> = CqlTimestamp(i64::MAX).try_into();
        assert_eq!(r, Err(ValueOverflow));
    }

    #[cfg(feature = "num-bigint-04")]
    #[test]
    fn bigint_04_conversions() {
        use num_bigint_04::BigInt;
        for (n, bytes) in [
            (0i64, vec![0x00]),
            (1, vec![0x01]),
            (127, vec![0x7f]),
            (128, vec![0x00, 0x80]),
            (129, vec![0x00, 0x81]),
            (-1, vec![0xff]),
            (-128, vec![0x80]),
            (-129, vec![0xff, 0x7f]),
        ] {
            let v = CqlVarint::from(BigInt::from(n));
            assert_eq!(v.as_signed_bytes_be_slice(), &bytes[..], "{n}");
            assert_eq!(BigInt::from(v), BigInt::from(n));
            let b = CqlVarintBorrowed::from_signed_bytes_be_slice(&bytes);
            assert_eq!(BigInt::from(b), BigInt::from(n));
        }
        assert_eq!(
            BigInt::from(CqlVarint::from_signed_bytes_be(vec![])),
            BigInt::from(0)
        );
    }

    #[cfg(feature = "num-bigint-03")]
    #[test]
    fn bigint_03_conversions() {
        use num_bigint_03::BigInt;
        let v = CqlVarint::from(BigInt::from(-129));
        assert_eq!(v.as_signed_bytes_be_slice(), &[0xff, 0x7f]);
        assert_eq!(BigInt::from(v), BigInt::from(-129));
    }

    #[cfg(feature = "bigdecimal-04")]
    #[test]
    fn bigdecimal_conversions() {
        use bigdecimal_04::BigDecimal;
        use bigdecimal_04::num_bigint::BigInt;
        use std::str::FromStr;
        let d = BigDecimal::from_str("123.456").unwrap();
        let c = CqlDecimal::try_from(d.clone()).unwrap();
        assert_eq!(
            c.as_signed_be_bytes_slice_and_exponent(),
            (&[0x01, 0xe2, 0x40][..], 3)
        );
        assert_eq!(BigDecimal::from(c.clone()), d);
        let (bytes, scale) = c.as_signed_be_bytes_slice_and_exponent();
        let b = CqlDecimalBorrowed::from_signed_be_bytes_slice_and_exponent(bytes, scale);
        assert_eq!(BigDecimal::from(b), d);
        let negative_scale = BigDecimal::from_str("12e5").unwrap();
        let c = CqlDecimal::try_from(negative_scale.clone()).unwrap();
        assert_eq!(c.as_signed_be_bytes_slice_and_exponent().1, -5);
        assert_eq!(BigDecimal::from(c), negative_scale);
        let too_big = BigDecimal::new(BigInt::from(1), i64::from(i32::MAX) + 1);
        assert!(CqlDecimal::try_from(too_big).is_err());
    }
}
