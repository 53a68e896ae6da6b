// numpy's array repr (numpy/core/arrayprint.py, 1.24, default options),
// reimplemented: the same float digits (shortest round-trip text, cut at 8
// fractional digits), the same column widths and the same line wrapping.
#include "cubed/expr/array_repr.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "cubed/core/error.hpp"

namespace cubed::expr {
namespace {

constexpr int kPrecision = 8;

// Text of |x| by to_chars: shortest round-trip (precision < 0) or with
// `precision` digits after the point.
std::string chars(double x, bool single, std::chars_format format, int precision = -1) {
  char buffer[512];
  std::to_chars_result r;
  if (single) {
    const auto f = static_cast<float>(x);
    r = precision < 0 ? std::to_chars(buffer, buffer + sizeof buffer, f, format)
                      : std::to_chars(buffer, buffer + sizeof buffer, f, format, precision);
  } else {
    r = precision < 0 ? std::to_chars(buffer, buffer + sizeof buffer, x, format)
                      : std::to_chars(buffer, buffer + sizeof buffer, x, format, precision);
  }
  if (r.ec != std::errc()) throw InternalError("cannot format a number");
  return std::string(buffer, r.ptr);
}

std::string sign_of(double x, char sign) {
  if (std::signbit(x)) return "-";
  return sign == '+' ? "+" : "";
}

// A finite value's text in positional or scientific notation, split in parts.
struct Digits {
  std::string int_part;   ///< with the sign
  std::string frac_part;  ///< digits after the point (without trailing zeros)
  int exponent = 0;       ///< scientific only
};

void strip_zeros(std::string& frac) {
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
}

Digits positional(double x, bool single, char sign) {
  std::string s = chars(std::fabs(x), single, std::chars_format::fixed);
  auto dot = s.find('.');
  if (dot != std::string::npos && s.size() - dot - 1 > static_cast<std::size_t>(kPrecision)) {
    s = chars(std::fabs(x), single, std::chars_format::fixed, kPrecision);
    dot = s.find('.');
  }
  Digits d;
  d.int_part = sign_of(x, sign) + s.substr(0, dot);
  if (dot != std::string::npos) d.frac_part = s.substr(dot + 1);
  strip_zeros(d.frac_part);
  return d;
}

Digits scientific(double x, bool single, char sign) {
  std::string s = chars(std::fabs(x), single, std::chars_format::scientific);
  auto e = s.find('e');
  auto dot = s.find('.');
  if (dot != std::string::npos && e - dot - 1 > static_cast<std::size_t>(kPrecision)) {
    s = chars(std::fabs(x), single, std::chars_format::scientific, kPrecision);
    e = s.find('e');
    dot = s.find('.');
  }
  Digits d;
  const std::string mantissa = s.substr(0, e);
  d.int_part = sign_of(x, sign) + mantissa.substr(0, mantissa.find('.'));
  if (dot != std::string::npos) d.frac_part = mantissa.substr(dot + 1);
  strip_zeros(d.frac_part);
  d.exponent = std::stoi(s.substr(e + 1));
  return d;
}

// numpy's FloatingFormat (floatmode "maxprec", sign '-' or '+').
class FloatFormat {
 public:
  FloatFormat(const std::vector<double>& values, bool single, char sign) : single_(single), sign_(sign) {
    std::vector<double> finite;
    bool has_negative_inf = false;
    for (double v : values) {
      if (std::isfinite(v)) {
        finite.push_back(v);
      } else if (std::isinf(v) && v < 0) {
        has_negative_inf = true;
      }
    }
    double max_val = 0, min_val = std::numeric_limits<double>::infinity();
    bool any_non_zero = false;
    for (double v : finite) {
      if (v == 0) continue;
      any_non_zero = true;
      max_val = std::max(max_val, std::fabs(v));
      min_val = std::min(min_val, std::fabs(v));
    }
    if (any_non_zero && (max_val >= 1e8 || min_val < 1e-4 || max_val / min_val > 1000.0)) exp_format_ = true;
    if (finite.empty()) {
      exp_format_ = false;
    } else if (exp_format_) {
      int exp_digits = 0;
      for (double v : finite) {
        Digits d = scientific(v, single_, sign_);
        pad_left_ = std::max(pad_left_, static_cast<int>(d.int_part.size()));
        precision_ = std::max(precision_, static_cast<int>(d.frac_part.size()));
        exp_digits = std::max(exp_digits, static_cast<int>(std::to_string(std::abs(d.exponent)).size()));
      }
      exp_size_ = std::max(exp_digits, 2);
      pad_right_ = exp_size_ + 2 + precision_;
    } else {
      for (double v : finite) {
        Digits d = positional(v, single_, sign_);
        pad_left_ = std::max(pad_left_, static_cast<int>(d.int_part.size()));
        pad_right_ = std::max(pad_right_, static_cast<int>(d.frac_part.size()));
      }
    }
    if (finite.size() != values.size()) {
      const int neginf = sign_ != '-' || has_negative_inf ? 1 : 0;
      const int offset = pad_right_ + 1;
      pad_left_ = std::max({pad_left_, 3 - offset, 3 + neginf - offset});
    }
  }

  std::string operator()(double x) const {
    if (!std::isfinite(x)) {
      std::string text;
      if (std::isnan(x)) {
        text = sign_ == '+' ? "+nan" : "nan";
      } else {
        text = x < 0 ? "-inf" : (sign_ == '+' ? "+inf" : "inf");
      }
      const int width = pad_left_ + pad_right_ + 1;
      return std::string(std::max(0, width - static_cast<int>(text.size())), ' ') + text;
    }
    if (exp_format_) {
      Digits d = scientific(x, single_, sign_);
      std::string frac = d.frac_part + std::string(precision_ - d.frac_part.size(), '0');
      std::string exp = std::to_string(std::abs(d.exponent));
      exp = std::string(std::max(0, exp_size_ - static_cast<int>(exp.size())), '0') + exp;
      return pad(d.int_part, pad_left_) + "." + frac + "e" + (d.exponent < 0 ? "-" : "+") + exp;
    }
    Digits d = positional(x, single_, sign_);
    return pad(d.int_part, pad_left_) + "." + d.frac_part +
           std::string(std::max(0, pad_right_ - static_cast<int>(d.frac_part.size())), ' ');
  }

 private:
  static std::string pad(const std::string& s, int width) {
    return std::string(std::max(0, width - static_cast<int>(s.size())), ' ') + s;
  }

  bool single_;
  char sign_;
  bool exp_format_ = false;
  int pad_left_ = 0;
  int pad_right_ = 0;
  int precision_ = 0;
  int exp_size_ = -1;
};

using ElementFormat = std::function<std::string(std::int64_t flat)>;

// Chooses the element format from the elements that will be shown.
ElementFormat element_format(const NDBuffer& a, const std::vector<std::int64_t>& shown) {
  const DType dt = a.dtype();
  if (is_bool(dt)) {
    const std::string true_text = a.ndim() == 0 ? "True" : " True";
    return [&a, true_text](std::int64_t i) { return a.get(i).as_bool() ? true_text : std::string("False"); };
  }
  if (is_integer(dt)) {
    auto text = [&a, dt](std::int64_t i) {
      const Scalar s = a.get(i);
      return is_unsigned_integer(dt) ? std::to_string(s.as_uint()) : std::to_string(s.as_int());
    };
    std::size_t width = 0;
    for (std::int64_t i : shown) width = std::max(width, text(i).size());
    return [text, width](std::int64_t i) {
      std::string s = text(i);
      return std::string(width - s.size(), ' ') + s;
    };
  }
  const bool single = dt == DType::kFloat32 || dt == DType::kComplex64;
  if (is_floating(dt)) {
    std::vector<double> values;
    for (std::int64_t i : shown) values.push_back(a.get(i).as_double());
    FloatFormat format(values, single, '-');
    return [&a, format](std::int64_t i) { return format(a.get(i).as_double()); };
  }
  std::vector<double> re, im;
  for (std::int64_t i : shown) {
    const auto c = a.get(i).as_complex();
    re.push_back(c.real());
    im.push_back(c.imag());
  }
  FloatFormat real_format(re, single, '-');
  FloatFormat imag_format(im, single, '+');
  return [&a, real_format, imag_format](std::int64_t i) {
    const auto c = a.get(i).as_complex();
    std::string imag = imag_format(c.imag());
    const auto end = imag.find_last_not_of(' ') + 1;
    return real_format(c.real()) + imag.substr(0, end) + "j" + imag.substr(end);
  };
}

// numpy's _formatArray.
class Formatter {
 public:
  Formatter(const NDBuffer& a, const ElementFormat& format, bool summarise, int edge_items, std::string next_line_prefix)
      : a_(a), format_(format), summarise_(summarise), edge_items_(edge_items),
        next_line_prefix_(std::move(next_line_prefix)), strides_(c_strides(a.shape())) {}

  std::string run(int line_width) { return recurse(0, 0, next_line_prefix_, line_width); }

 private:
  void extend_line(std::string& s, std::string& line, const std::string& word, int width,
                   const std::string& prefix) const {
    bool needs_wrap = static_cast<int>(line.size() + word.size()) > width;
    if (line.size() <= prefix.size()) needs_wrap = false;
    if (needs_wrap) {
      s += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
      line = prefix;
    }
    line += word;
  }

  std::string recurse(int axis, std::int64_t offset, const std::string& hanging_indent, int curr_width) const {
    const int axes_left = a_.ndim() - axis;
    if (axes_left == 0) return format_(offset);
    const std::string next_hanging_indent = hanging_indent + " ";
    const int next_width = curr_width - 1;
    const std::int64_t length = a_.shape()[axis];
    const bool show_summary = summarise_ && 2 * edge_items_ < length;
    const std::int64_t leading = show_summary ? edge_items_ : 0;
    const std::int64_t trailing = show_summary ? edge_items_ : length;
    auto item = [&](std::int64_t i) {
      return recurse(axis + 1, offset + i * strides_[axis], next_hanging_indent, next_width);
    };
    std::string s;
    if (axes_left == 1) {
      const int elem_width = curr_width - 1;  // max(len(','), len(']'))
      std::string line = hanging_indent;
      for (std::int64_t i = 0; i < leading; ++i) {
        extend_line(s, line, item(i), elem_width, hanging_indent);
        line += ", ";
      }
      if (show_summary) {
        extend_line(s, line, "...", elem_width, hanging_indent);
        line += ", ";
      }
      for (std::int64_t i = trailing; i > 1; --i) {
        extend_line(s, line, item(length - i), elem_width, hanging_indent);
        line += ", ";
      }
      extend_line(s, line, item(length - 1), elem_width, hanging_indent);
      s += line;
    } else {
      const std::string line_sep = "," + std::string(static_cast<std::size_t>(axes_left - 1), '\n');
      for (std::int64_t i = 0; i < leading; ++i) s += hanging_indent + item(i) + line_sep;
      if (show_summary) s += hanging_indent + "..." + line_sep;
      for (std::int64_t i = trailing; i > 1; --i) s += hanging_indent + item(length - i) + line_sep;
      s += hanging_indent + item(length - 1);
    }
    std::string bracketed(1, '[');
    bracketed.append(s, hanging_indent.size());
    bracketed += ']';
    return bracketed;
  }

  const NDBuffer& a_;
  const ElementFormat& format_;
  bool summarise_;
  int edge_items_;
  std::string next_line_prefix_;
  Shape strides_;
};

// Flat indices of the elements shown (all, or the edges of each long axis).
std::vector<std::int64_t> shown_elements(const NDBuffer& a, bool summarise, int edge_items) {
  std::vector<std::vector<std::int64_t>> per_axis(static_cast<std::size_t>(a.ndim()));
  for (int d = 0; d < a.ndim(); ++d) {
    const std::int64_t n = a.shape()[d];
    for (std::int64_t i = 0; i < n; ++i) {
      if (!summarise || n <= 2 * edge_items || i < edge_items || i >= n - edge_items) per_axis[d].push_back(i);
    }
  }
  Shape extent;
  for (const auto& v : per_axis) extent.push_back(static_cast<std::int64_t>(v.size()));
  const Shape strides = c_strides(a.shape());
  std::vector<std::int64_t> shown;
  for_each_index(extent, [&](const Shape& index) {
    std::int64_t flat = 0;
    for (int d = 0; d < a.ndim(); ++d) flat += per_axis[d][index[d]] * strides[d];
    shown.push_back(flat);
  });
  return shown;
}

}  // namespace

std::string array_repr(const NDBuffer& a, const ReprOptions& options) {
  const DType dt = a.dtype();
  const bool implied_dtype =
      dt == DType::kBool || dt == DType::kInt64 || dt == DType::kFloat64 || dt == DType::kComplex128;
  const std::string dtype_text = "dtype=" + std::string(dtype_name(dt)) + ")";
  if (a.size() == 0) {
    if (a.shape() == Shape{0}) return "array([], " + dtype_text;
    return "array([], shape=" + shape_to_string(a.shape()) + ", " + dtype_text;
  }
  const bool summarise = a.size() > options.threshold;
  const std::vector<std::int64_t> shown = shown_elements(a, summarise, options.edge_items);
  const ElementFormat format = element_format(a, shown);
  const std::string prefix = "array(";
  Formatter formatter(a, format, summarise, options.edge_items, std::string(prefix.size() + 1, ' '));
  const std::string suffix = implied_dtype ? ")" : ",";
  const std::string text = prefix + formatter.run(options.line_width - static_cast<int>(suffix.size())) + suffix;
  if (implied_dtype) return text;
  const auto last_line = static_cast<int>(text.size() - (text.rfind('\n') + 1));
  const bool new_line = last_line + static_cast<int>(dtype_text.size()) + 1 > options.line_width;
  return text + (new_line ? "\n" + std::string(prefix.size(), ' ') : " ") + dtype_text;
}

}  // namespace cubed::expr
