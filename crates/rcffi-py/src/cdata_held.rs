//! What a cdata holds, in 16 bytes: a primitive's value, or an address and a
//! count. The accessors are the only readers of the union.

use std::ptr;

use crate::cdata::CData;

/// What a cdata holds. A primitive cdata (from `cast`) has a value and no
/// address or length; every other cdata an address and, for open arrays and
/// owning cdata, a count. Sharing the 16 bytes keeps the object smaller.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) union Held {
    pub(crate) view: View,
    /// The value of a primitive cdata, little-endian, zero-extended.
    pub(crate) value: [u8; 16],
}

#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct View {
    pub(crate) ptr: *mut u8,
    /// Item count of an array whose type has no length (`int[]`); for any other
    /// owning cdata, the bytes it owns.
    pub(crate) length: usize,
}

/// What a cdata holding an address reads as its value.
static NO_VALUE: [u8; 16] = [0; 16];

impl CData {
    /// The C address this cdata stands for: the pointer value, or where the data is.
    /// NULL for a primitive cdata, which holds a value instead.
    #[inline]
    pub fn address(&self) -> *mut u8 {
        if self.holds_value {
            ptr::null_mut()
        } else {
            // SAFETY: `holds_value` is false, so `held` is a view.
            unsafe { self.held.view.ptr }
        }
    }

    /// The count kept with the address (see `View::length`); 0 for a value.
    #[inline]
    pub(crate) fn length(&self) -> usize {
        if self.holds_value {
            0
        } else {
            // SAFETY: `holds_value` is false, so `held` is a view.
            unsafe { self.held.view.length }
        }
    }

    /// The value of a primitive cdata; zeros for any other.
    #[inline]
    pub fn value(&self) -> &[u8; 16] {
        self.held_value().unwrap_or(&NO_VALUE)
    }

    /// The value, when this cdata holds one.
    #[inline]
    pub(crate) fn held_value(&self) -> Option<&[u8; 16]> {
        // SAFETY: `holds_value` is true only after `set_value` wrote the value.
        if self.holds_value {
            Some(unsafe { &self.held.value })
        } else {
            None
        }
    }

    /// Makes this cdata hold `value` instead of an address.
    pub(crate) fn set_value(&mut self, value: [u8; 16]) {
        self.held = Held { value };
        self.holds_value = true;
    }
}
