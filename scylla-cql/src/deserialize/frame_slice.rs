//! [`FrameSlice`]: a window into a response frame's `Bytes`.

use bytes::Bytes;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::types;

/// A slice of a response frame. Reading advances the slice; [`to_bytes`](Self::to_bytes)
/// turns the current window into a `Bytes` sharing the frame's allocation, without
/// copying.
#[derive(Clone, Copy, Debug)]
pub struct FrameSlice<'frame> {
    frame_subslice: &'frame [u8],
    original_frame: &'frame Bytes,
}

static EMPTY_BYTES: Bytes = Bytes::new();

impl<'frame> FrameSlice<'frame> {
    /// A slice covering all of `frame`.
    #[inline]
    pub fn new(frame: &'frame Bytes) -> Self {
        Self {
            frame_subslice: frame,
            original_frame: frame,
        }
    }

    /// A slice over borrowed bytes that do not come from a `Bytes`; `to_bytes` copies.
    #[inline]
    pub fn new_borrowed(frame_subslice: &'frame [u8]) -> Self {
        Self {
            frame_subslice,
            original_frame: &EMPTY_BYTES,
        }
    }

    /// An empty slice.
    #[inline]
    pub fn new_empty() -> Self {
        Self {
            frame_subslice: &[],
            original_frame: &EMPTY_BYTES,
        }
    }

    /// Whether nothing is left.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.frame_subslice.is_empty()
    }

    /// The current window.
    #[inline]
    pub fn as_slice(&self) -> &'frame [u8] {
        self.frame_subslice
    }

    /// The current window, for readers that advance it.
    #[inline]
    pub fn as_slice_mut(&mut self) -> &mut &'frame [u8] {
        &mut self.frame_subslice
    }

    /// The whole frame this slice points into.
    #[inline]
    pub fn as_original_frame_bytes(&self) -> &'frame Bytes {
        self.original_frame
    }

    /// The current window as `Bytes`: shares the frame's allocation when the slice
    /// points into it, copies otherwise.
    pub fn to_bytes(&self) -> Bytes {
        if self.original_frame.is_empty() {
            return Bytes::copy_from_slice(self.frame_subslice);
        }
        let base = self.original_frame.as_ptr() as usize;
        let start = self.frame_subslice.as_ptr() as usize;
        let end = start + self.frame_subslice.len();
        if start >= base && end <= base + self.original_frame.len() {
            self.original_frame.slice(start - base..end - base)
        } else {
            Bytes::copy_from_slice(self.frame_subslice)
        }
    }

    /// Reads `[bytes]`: an `[int]` length then that many bytes; `None` for null
    /// (negative length).
    pub fn read_cql_bytes(
        &mut self,
    ) -> Result<Option<FrameSlice<'frame>>, LowLevelDeserializationError> {
        let v = types::read_bytes_opt(&mut self.frame_subslice)?;
        Ok(v.map(|s| FrameSlice {
            frame_subslice: s,
            original_frame: self.original_frame,
        }))
    }

    /// Splits off the next `count` bytes (possibly zero) as a slice of the same frame and
    /// advances past them; an error when fewer than `count` remain.
    pub(crate) fn read_subslice(
        &mut self,
        count: usize,
    ) -> Result<FrameSlice<'frame>, LowLevelDeserializationError> {
        let s = types::read_raw_bytes(count, &mut self.frame_subslice)?;
        Ok(FrameSlice {
            frame_subslice: s,
            original_frame: self.original_frame,
        })
    }

    /// Reads exactly `count` bytes; `Ok(None)` when the slice is empty, an error when
    /// fewer than `count` remain.
    pub fn read_n_bytes(
        &mut self,
        count: usize,
    ) -> Result<Option<FrameSlice<'frame>>, LowLevelDeserializationError> {
        if self.is_empty() {
            return Ok(None);
        }
        let s = types::read_raw_bytes(count, &mut self.frame_subslice)?;
        Ok(Some(FrameSlice {
            frame_subslice: s,
            original_frame: self.original_frame,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_bytes_shares_the_frame() {
        let frame = Bytes::from_static(&[0, 0, 0, 2, 7, 8, 0xff, 0xff, 0xff, 0xff]);
        let mut s = FrameSlice::new(&frame);
        let v = s.read_cql_bytes().unwrap().unwrap();
        let b = v.to_bytes();
        assert_eq!(&b[..], &[7, 8]);
        assert_eq!(b.as_ptr(), frame[4..].as_ptr());
        assert!(s.read_cql_bytes().unwrap().is_none());
        assert!(s.is_empty());
        assert!(s.read_cql_bytes().is_err());
    }
}
