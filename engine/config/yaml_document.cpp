#include "engine/config/yaml_document.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "engine/core/error.h"

namespace dcnn {

namespace {

// Counts documents and remembers where each one started. yaml-cpp's parser does not consume a
// token that cannot start a value (a stray ',' at the top level): it reports an empty document
// there and the next call starts at the same token again, for ever. YAML::LoadAll loops on it,
// allocating a node per round (1.5 GB in 14 s under the fuzzer); a document that starts where the
// previous one did is how that shows from outside.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark last_start;

  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

[[noreturn]] void syntax_error(const std::string& source_name, const YAML::Mark& mark,
                               const std::string& problem) {
  // yaml-cpp marks are 0-based; editors count from 1.
  throw Error(ErrorKind::Config, source_name + ":" + std::to_string(mark.line + 1) + ":" +
                                     std::to_string(mark.column + 1) +
                                     ": YAML syntax error: " + problem +
                                     "; expected a valid YAML document");
}

// How many documents the text holds. Ends because every round either consumes text or is caught
// starting where the round before did.
size_t count_documents(const std::string& yaml_text, const std::string& source_name) {
  std::istringstream in(yaml_text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  size_t documents = 0;
  YAML::Mark previous;
  while (parser.HandleNextDocument(starts)) {
    if (documents > 0 && starts.last_start.pos == previous.pos) {
      const size_t at = size_t(starts.last_start.pos);
      const std::string token = at < yaml_text.size() ? yaml_text.substr(at, 1) : "";
      syntax_error(source_name, starts.last_start,
                   "'" + token + "' starts no value here");
    }
    previous = starts.last_start;
    ++documents;
  }
  return documents;
}

}  // namespace

YAML::Node load_single_yaml_document(const std::string& yaml_text, const std::string& source_name) {
  try {
    const size_t documents = count_documents(yaml_text, source_name);
    if (documents > 1) {
      throw Error(ErrorKind::Config, source_name + ": (top level): holds " + std::to_string(documents) +
                                         " YAML documents (separated by ---); expected one document");
    }
    return YAML::Load(yaml_text);  // reads the first document only
  } catch (const YAML::ParserException& e) {
    syntax_error(source_name, e.mark, e.msg);
  }
}

}  // namespace dcnn
