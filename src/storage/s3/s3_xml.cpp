#include "storage/s3/s3_xml.hpp"

#include <cstdint>

namespace cubed::storage::s3 {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The code point of a numeric reference body ("#38", "#x26"), or -1.
long numeric_reference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') return -1;
  bool hex = body[1] == 'x' || body[1] == 'X';
  std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return -1;
  long value = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    value = value * (hex ? 16 : 10) + d;
  }
  return value <= 0x10FFFF ? value : -1;
}

}  // namespace

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    std::size_t end = text.find(';', i);
    if (end == std::string_view::npos || end - i > 12) {
      out += text[i];  // a lone '&': keep it as it is
      continue;
    }
    std::string_view body = text.substr(i + 1, end - i - 1);
    if (body == "amp") out += '&';
    else if (body == "lt") out += '<';
    else if (body == "gt") out += '>';
    else if (body == "quot") out += '"';
    else if (body == "apos") out += '\'';
    else if (long cp = numeric_reference(body); cp >= 0) append_utf8(out, static_cast<std::uint32_t>(cp));
    else {
      out += text[i];
      continue;
    }
    i = end;
  }
  return out;
}

std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag) {
  std::string open("<"), empty("<"), close("</");
  open.append(tag).append(">");
  empty.append(tag).append("/>");
  close.append(tag).append(">");
  std::vector<std::string> values;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = xml.find(open, pos);
    std::size_t self_closed = xml.find(empty, pos);
    if (self_closed < start) {
      values.emplace_back();
      pos = self_closed + empty.size();
      continue;
    }
    if (start == std::string_view::npos) break;
    start += open.size();
    std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    values.push_back(xml_unescape(xml.substr(start, end - start)));
    pos = end + close.size();
  }
  return values;
}

std::string xml_element(std::string_view xml, std::string_view tag) {
  std::vector<std::string> all = xml_elements(xml, tag);
  return all.empty() ? std::string() : all.front();
}

}  // namespace cubed::storage::s3
