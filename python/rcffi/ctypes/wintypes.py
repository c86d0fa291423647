"""Windows data types (importable on every platform, as in ctypes): integer,
handle and string aliases and the common small structures."""

from .. import ctypes

BYTE = ctypes.c_byte
WORD = ctypes.c_ushort
DWORD = ctypes.c_ulong
CHAR = ctypes.c_char
WCHAR = ctypes.c_wchar
UINT = ctypes.c_uint
INT = ctypes.c_int
DOUBLE = ctypes.c_double
FLOAT = ctypes.c_float
BOOLEAN = BYTE
BOOL = ctypes.c_long
ULONG = ctypes.c_ulong
LONG = ctypes.c_long
USHORT = ctypes.c_ushort
SHORT = ctypes.c_short
_LARGE_INTEGER = LARGE_INTEGER = ctypes.c_longlong
_ULARGE_INTEGER = ULARGE_INTEGER = ctypes.c_ulonglong
LPCOLESTR = LPOLESTR = OLESTR = LPCWSTR = LPWSTR = ctypes.c_wchar_p
LPCSTR = LPSTR = ctypes.c_char_p
LPCVOID = LPVOID = ctypes.c_void_p
WPARAM = ctypes.c_size_t
LPARAM = ctypes.c_ssize_t
ATOM = LANGID = WORD
COLORREF = LGRPID = LCTYPE = LCID = DWORD
HANDLE = ctypes.c_void_p


class VARIANT_BOOL(ctypes._SimpleCData):
    """A 16-bit boolean: any non-zero value is true, true is stored as -1."""

    _type_ = "v"

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.value)


(HACCEL, HBITMAP, HBRUSH, HCOLORSPACE, HDC, HDESK, HDWP, HENHMETAFILE, HFONT, HGDIOBJ,
 HGLOBAL, HHOOK, HICON, HINSTANCE, HKEY, HKL, HLOCAL, HMENU, HMETAFILE, HMODULE, HMONITOR,
 HPALETTE, HPEN, HRGN, HRSRC, HSTR, HTASK, HWINSTA, HWND, SC_HANDLE,
 SERVICE_STATUS_HANDLE) = (HANDLE,) * 31


class RECT(ctypes.Structure):
    _fields_ = [("left", LONG), ("top", LONG), ("right", LONG), ("bottom", LONG)]


tagRECT = _RECTL = RECTL = RECT


class _SMALL_RECT(ctypes.Structure):
    _fields_ = [("Left", SHORT), ("Top", SHORT), ("Right", SHORT), ("Bottom", SHORT)]


SMALL_RECT = _SMALL_RECT


class _COORD(ctypes.Structure):
    _fields_ = [("X", SHORT), ("Y", SHORT)]


class POINT(ctypes.Structure):
    _fields_ = [("x", LONG), ("y", LONG)]


tagPOINT = _POINTL = POINTL = POINT


class SIZE(ctypes.Structure):
    _fields_ = [("cx", LONG), ("cy", LONG)]


tagSIZE = SIZEL = SIZE


def RGB(red, green, blue):
    return red + (green << 8) + (blue << 16)


class FILETIME(ctypes.Structure):
    _fields_ = [("dwLowDateTime", DWORD), ("dwHighDateTime", DWORD)]


_FILETIME = FILETIME


class MSG(ctypes.Structure):
    _fields_ = [("hWnd", HWND), ("message", UINT), ("wParam", WPARAM), ("lParam", LPARAM),
                ("time", DWORD), ("pt", POINT)]


tagMSG = MSG
MAX_PATH = 260


class WIN32_FIND_DATAA(ctypes.Structure):
    _fields_ = [("dwFileAttributes", DWORD), ("ftCreationTime", FILETIME),
                ("ftLastAccessTime", FILETIME), ("ftLastWriteTime", FILETIME),
                ("nFileSizeHigh", DWORD), ("nFileSizeLow", DWORD), ("dwReserved0", DWORD),
                ("dwReserved1", DWORD), ("cFileName", CHAR * MAX_PATH),
                ("cAlternateFileName", CHAR * 14)]


class WIN32_FIND_DATAW(ctypes.Structure):
    _fields_ = [("dwFileAttributes", DWORD), ("ftCreationTime", FILETIME),
                ("ftLastAccessTime", FILETIME), ("ftLastWriteTime", FILETIME),
                ("nFileSizeHigh", DWORD), ("nFileSizeLow", DWORD), ("dwReserved0", DWORD),
                ("dwReserved1", DWORD), ("cFileName", WCHAR * MAX_PATH),
                ("cAlternateFileName", WCHAR * 14)]


P = ctypes.POINTER
LPBOOL = PBOOL = P(BOOL)
PBOOLEAN = P(BOOLEAN)
LPBYTE = PBYTE = P(BYTE)
PCHAR = P(CHAR)
LPCOLORREF = P(COLORREF)
LPDWORD = PDWORD = P(DWORD)
LPFILETIME = PFILETIME = P(FILETIME)
PFLOAT = P(FLOAT)
LPHANDLE = PHANDLE = P(HANDLE)
PHKEY = P(HKEY)
LPHKL = P(HKL)
LPINT = PINT = P(INT)
PLARGE_INTEGER = P(LARGE_INTEGER)
PLCID = P(LCID)
LPLONG = PLONG = P(LONG)
LPMSG = PMSG = P(MSG)
LPPOINT = PPOINT = P(POINT)
PPOINTL = P(POINTL)
LPRECT = PRECT = P(RECT)
LPRECTL = PRECTL = P(RECTL)
LPSC_HANDLE = P(SC_HANDLE)
PSHORT = P(SHORT)
LPSIZE = PSIZE = P(SIZE)
LPSIZEL = PSIZEL = P(SIZEL)
PSMALL_RECT = P(SMALL_RECT)
LPUINT = PUINT = P(UINT)
PULARGE_INTEGER = P(ULARGE_INTEGER)
PULONG = P(ULONG)
PUSHORT = P(USHORT)
PWCHAR = P(WCHAR)
LPWIN32_FIND_DATAA = PWIN32_FIND_DATAA = P(WIN32_FIND_DATAA)
LPWIN32_FIND_DATAW = PWIN32_FIND_DATAW = P(WIN32_FIND_DATAW)
LPWORD = PWORD = P(WORD)
del P
