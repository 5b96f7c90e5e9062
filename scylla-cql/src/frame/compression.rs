//! Frame body compression (spec section 5): LZ4 and Snappy.
//!
//! - LZ4: the body is the uncompressed length as a 4-byte big-endian integer, then
//!   one raw LZ4 block.
//! - Snappy: the body is one raw Snappy block (no framing format), which begins with
//!   the uncompressed length as a varint.
//!
//! Decompression never trusts the announced uncompressed length: it must not exceed
//! a maximum, nor what the compressed bytes could possibly expand to, before any
//! output buffer is allocated.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::frame_errors::{
    CompressionError, CqlRequestSerializationError, FrameBodyExtensionsParseError,
};

/// The largest frame body accepted by default (the spec limits frames to 256 MB).
pub const DEFAULT_MAX_FRAME_BODY_SIZE: usize = 256 * 1024 * 1024;

/// An LZ4 block expands each input byte to at most 255 output bytes (a match-length
/// extension byte of 0xFF); a few bytes of slack cover the token of tiny blocks.
const LZ4_MAX_RATIO: usize = 255;
/// A Snappy copy element of 3 bytes yields at most 64 bytes; 22 is a safe bound.
const SNAPPY_MAX_RATIO: usize = 22;
const RATIO_SLACK: usize = 64;

/// A frame compression algorithm, negotiated in STARTUP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compression {
    /// LZ4 (raw block, preceded by the uncompressed length as a big-endian `[int]`).
    Lz4,
    /// Snappy (raw format).
    Snappy,
}

impl Compression {
    /// The name used in STARTUP and SUPPORTED: `"lz4"` or `"snappy"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Compression::Lz4 => "lz4",
            Compression::Snappy => "snappy",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`Compression`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown compression {0:?} (expected \"lz4\" or \"snappy\")")]
pub struct CompressionFromStrError(String);

impl CompressionFromStrError {
    /// The string that was not recognised.
    pub fn input(&self) -> &str {
        &self.0
    }
}

impl FromStr for Compression {
    type Err = CompressionFromStrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lz4" => Ok(Compression::Lz4),
            "snappy" => Ok(Compression::Snappy),
            other => Err(CompressionFromStrError(other.to_owned())),
        }
    }
}

/// Compresses `uncomp_body` with `compression` and appends the result to `out`.
pub fn compress_append(
    uncomp_body: &[u8],
    compression: Compression,
    out: &mut Vec<u8>,
) -> Result<(), CqlRequestSerializationError> {
    compress_append_inner(uncomp_body, compression, out).map_err(Into::into)
}

/// [`compress_append`] with an error type that is not tied to requests.
pub(crate) fn compress_append_inner(
    uncomp_body: &[u8],
    compression: Compression,
    out: &mut Vec<u8>,
) -> Result<(), CompressionError> {
    let start = out.len();
    match compression {
        Compression::Lz4 => {
            let len = i32::try_from(uncomp_body.len())
                .map_err(|_| CompressionError::Lz4(Arc::new(TooLongForLz4(uncomp_body.len()))))?;
            out.extend_from_slice(&len.to_be_bytes());
            let block_start = out.len();
            out.resize(
                block_start + lz4_flex::block::get_maximum_output_size(uncomp_body.len()),
                0,
            );
            match lz4_flex::block::compress_into(uncomp_body, &mut out[block_start..]) {
                Ok(written) => {
                    out.truncate(block_start + written);
                    Ok(())
                }
                Err(e) => {
                    out.truncate(start);
                    Err(CompressionError::Lz4(Arc::new(e)))
                }
            }
        }
        Compression::Snappy => {
            out.resize(start + snap::raw::max_compress_len(uncomp_body.len()), 0);
            match snap::raw::Encoder::new().compress(uncomp_body, &mut out[start..]) {
                Ok(written) => {
                    out.truncate(start + written);
                    Ok(())
                }
                Err(e) => {
                    out.truncate(start);
                    Err(CompressionError::Snap(Arc::new(e)))
                }
            }
        }
    }
}

/// The uncompressed body was too long for the `[int]` length of an LZ4 body.
#[derive(Debug, thiserror::Error)]
#[error("{0} bytes do not fit the 4-byte length prefix of an LZ4 body")]
struct TooLongForLz4(usize);

/// An LZ4 body shorter than its 4-byte length prefix, or with a negative prefix.
#[derive(Debug, thiserror::Error)]
enum Lz4PrefixError {
    #[error("the body has {0} bytes, fewer than the 4-byte uncompressed length prefix")]
    Missing(usize),
    #[error("negative uncompressed length {0}")]
    Negative(i32),
}

/// Decompresses a body compressed with `compression`, accepting at most
/// [`DEFAULT_MAX_FRAME_BODY_SIZE`] uncompressed bytes.
pub fn decompress(
    comp_body: &[u8],
    compression: Compression,
) -> Result<Vec<u8>, FrameBodyExtensionsParseError> {
    decompress_with_limit(comp_body, compression, DEFAULT_MAX_FRAME_BODY_SIZE)
}

/// Decompresses a body compressed with `compression`, accepting at most
/// `max_uncompressed_size` uncompressed bytes.
///
/// The announced length is checked against the limit and against what the input could
/// expand to before anything is allocated, so a compression bomb or a lying length
/// prefix is an error that costs no memory.
pub fn decompress_with_limit(
    comp_body: &[u8],
    compression: Compression,
    max_uncompressed_size: usize,
) -> Result<Vec<u8>, FrameBodyExtensionsParseError> {
    match compression {
        Compression::Lz4 => {
            let Some((prefix, block)) = comp_body.split_first_chunk::<4>() else {
                return Err(FrameBodyExtensionsParseError::Lz4DecompressError(Arc::new(
                    Lz4PrefixError::Missing(comp_body.len()),
                )));
            };
            let declared = i32::from_be_bytes(*prefix);
            let declared = usize::try_from(declared).map_err(|_| {
                FrameBodyExtensionsParseError::Lz4DecompressError(Arc::new(
                    Lz4PrefixError::Negative(declared),
                ))
            })?;
            let limit =
                max_uncompressed_size.min(block.len().saturating_mul(LZ4_MAX_RATIO) + RATIO_SLACK);
            if declared > limit {
                return Err(FrameBodyExtensionsParseError::DecompressedSizeTooLarge {
                    compression,
                    declared: declared as u64,
                    compressed: comp_body.len(),
                    limit,
                });
            }
            if declared == 0 {
                return Ok(Vec::new());
            }
            let mut out = vec![0u8; declared];
            let actual = lz4_flex::block::decompress_into(block, &mut out)
                .map_err(|e| FrameBodyExtensionsParseError::Lz4DecompressError(Arc::new(e)))?;
            if actual != declared {
                return Err(FrameBodyExtensionsParseError::DecompressedLengthMismatch {
                    compression,
                    declared,
                    actual,
                });
            }
            Ok(out)
        }
        Compression::Snappy => {
            let declared = snap::raw::decompress_len(comp_body)
                .map_err(|e| FrameBodyExtensionsParseError::SnapDecompressError(Arc::new(e)))?;
            let limit = max_uncompressed_size
                .min(comp_body.len().saturating_mul(SNAPPY_MAX_RATIO) + RATIO_SLACK);
            if declared > limit {
                return Err(FrameBodyExtensionsParseError::DecompressedSizeTooLarge {
                    compression,
                    declared: declared as u64,
                    compressed: comp_body.len(),
                    limit,
                });
            }
            let mut out = vec![0u8; declared];
            let actual = snap::raw::Decoder::new()
                .decompress(comp_body, &mut out)
                .map_err(|e| FrameBodyExtensionsParseError::SnapDecompressError(Arc::new(e)))?;
            if actual != declared {
                return Err(FrameBodyExtensionsParseError::DecompressedLengthMismatch {
                    compression,
                    declared,
                    actual,
                });
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 7 + i / 100) as u8).collect()
    }

    #[test]
    fn names_round_trip() {
        for c in [Compression::Lz4, Compression::Snappy] {
            assert_eq!(c.as_str().parse::<Compression>().unwrap(), c);
            assert_eq!(c.to_string(), c.as_str());
        }
        let err = "LZ4".parse::<Compression>().unwrap_err();
        assert_eq!(err.input(), "LZ4");
        assert!(err.to_string().contains("\"LZ4\""));
    }

    #[test]
    fn lz4_body_layout_is_big_endian_length_then_block() {
        let data = sample(1000);
        let mut out = vec![0xaa];
        compress_append(&data, Compression::Lz4, &mut out).unwrap();
        assert_eq!(out[0], 0xaa, "appends, keeps what was there");
        assert_eq!(&out[1..5], &1000i32.to_be_bytes());
        let block = lz4_flex::block::decompress(&out[5..], 1000).unwrap();
        assert_eq!(block, data);
        assert_eq!(decompress(&out[1..], Compression::Lz4).unwrap(), data);
    }

    #[test]
    fn snappy_is_raw_format() {
        let data = sample(1000);
        let mut out = Vec::new();
        compress_append(&data, Compression::Snappy, &mut out).unwrap();
        assert_eq!(
            snap::raw::Decoder::new().decompress_vec(&out).unwrap(),
            data
        );
        assert_eq!(decompress(&out, Compression::Snappy).unwrap(), data);
    }

    #[test]
    fn empty_bodies() {
        for c in [Compression::Lz4, Compression::Snappy] {
            let mut out = Vec::new();
            compress_append(&[], c, &mut out).unwrap();
            assert_eq!(decompress(&out, c).unwrap(), Vec::<u8>::new());
        }
    }

    #[test]
    fn lying_lz4_prefix_is_rejected_before_allocating() {
        let mut body = (200_000_000i32).to_be_bytes().to_vec();
        body.extend_from_slice(&[0x10, 0x61]);
        let err = decompress(&body, Compression::Lz4).unwrap_err();
        assert!(
            matches!(
                err,
                FrameBodyExtensionsParseError::DecompressedSizeTooLarge {
                    declared: 200_000_000,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn short_or_negative_lz4_prefix() {
        assert!(matches!(
            decompress(&[0, 0, 1], Compression::Lz4),
            Err(FrameBodyExtensionsParseError::Lz4DecompressError(_))
        ));
        assert!(matches!(
            decompress(&[0xff, 0xff, 0xff, 0xff, 0], Compression::Lz4),
            Err(FrameBodyExtensionsParseError::Lz4DecompressError(_))
        ));
    }

    #[test]
    fn lz4_prefix_larger_than_block_output_is_a_mismatch_or_error() {
        let data = sample(100);
        let mut out = Vec::new();
        compress_append(&data, Compression::Lz4, &mut out).unwrap();
        out[0..4].copy_from_slice(&150i32.to_be_bytes());
        assert!(decompress(&out, Compression::Lz4).is_err());
    }

    #[test]
    fn bomb_over_limit_is_rejected() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        for c in [Compression::Lz4, Compression::Snappy] {
            let mut out = Vec::new();
            compress_append(&zeros, c, &mut out).unwrap();
            assert!(
                out.len() < zeros.len() / 10,
                "{c} should compress zeros well"
            );
            let err = decompress_with_limit(&out, c, 1024 * 1024).unwrap_err();
            assert!(
                matches!(
                    err,
                    FrameBodyExtensionsParseError::DecompressedSizeTooLarge { .. }
                ),
                "{c}: {err}"
            );
            assert_eq!(decompress(&out, c).unwrap(), zeros);
        }
    }

    #[test]
    fn lying_snappy_length_is_rejected() {
        // Varint 0xffffff0f = 4_294_967_295 would exceed snap's own maximum; take a
        // length within it: 100_000_000 as a varint, then a few bytes.
        let mut body = Vec::new();
        let mut v: u32 = 100_000_000;
        while v >= 0x80 {
            body.push((v as u8) | 0x80);
            v >>= 7;
        }
        body.push(v as u8);
        body.extend_from_slice(&[0, 1, 2]);
        let err = decompress(&body, Compression::Snappy).unwrap_err();
        assert!(
            matches!(
                err,
                FrameBodyExtensionsParseError::DecompressedSizeTooLarge { .. }
            ),
            "{err}"
        );
    }
}
