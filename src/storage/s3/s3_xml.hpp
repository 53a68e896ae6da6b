#pragma once
// Minimal reading of the small XML documents S3 answers with (ListObjectsV2
// results, error bodies). Enough for their flat, namespace-free element
// structure; not a general XML parser.
#include <string>
#include <string_view>
#include <vector>

namespace cubed::storage::s3 {

/// Replaces the five predefined XML entities and numeric character
/// references (&#38; &#x26;) by the characters they stand for.
std::string xml_unescape(std::string_view text);

/// The unescaped text of every element named `tag` (no attributes expected)
/// in document order, e.g. every <Key> of a listing.
std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag);

/// The first such element's text, or "" when there is none.
std::string xml_element(std::string_view xml, std::string_view tag);

}  // namespace cubed::storage::s3
