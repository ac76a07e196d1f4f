// UTF-8 checks for text that leaves the engine: labels, names and messages end up in JSON
// (which must be UTF-8: the serializer throws on anything else), GStreamer structures and GError
// messages (GLib warns and may drop them), so text read from files is checked where it is read.
#pragma once

#include <cstddef>
#include <string_view>

namespace dcnn {

// Length of the well-formed UTF-8 sequence at text[pos] (1-4), or 0 when the byte there does not
// start one: a stray continuation byte, an overlong form, a surrogate, a code point above
// U+10FFFF or a sequence cut short.
size_t utf8_sequence_length(std::string_view text, size_t pos);

// Offset of the first byte that is not part of well-formed UTF-8, or npos when all of it is.
size_t invalid_utf8_offset(std::string_view text);

}  // namespace dcnn
