#include "hotline/interop/iodef_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include <chrono>
#include <cstring>
#include <mutex>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/iodef.h"
#include "hotline/interop/iodef_schema_files.h"

namespace hotline::interop::xml {
namespace {

const char* kNs = "urn:ietf:params:xml:ns:iodef-2.0";

// The schema files by the names the schemas import them under: relative
// names and the IANA/W3C URLs the catalog maps (the file name decides).
const SchemaFile* schema_file_for(const char* url) {
  if (url == nullptr) return nullptr;
  std::string_view u(url);
  const auto slash = u.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? u : u.substr(slash + 1);
  std::string wanted(base);
  if (base == "iodef-enum-1.0.xsd") wanted = "iodef-enum-1.0.STUB.xsd";
  if (base == "iodef-sci-1.0.xsd") wanted = "iodef-sci-1.0.STUB.xsd";
  for (const auto& f : iodef_schema_files()) {
    if (f.name == wanted) return &f;
  }
  return nullptr;
}

// Every external entity, DTD or schema libxml2 would load in this process
// goes through here: the compiled-in schema files are served from memory,
// anything else is refused (no file, no network, ever).
xmlParserInputPtr offline_loader(const char* url, const char* /*id*/, xmlParserCtxtPtr ctxt) {
  const SchemaFile* f = schema_file_for(url);
  if (f == nullptr) return nullptr;
  xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(
      f->text.data(), static_cast<int>(f->text.size()), XML_CHAR_ENCODING_NONE);
  if (buf == nullptr) return nullptr;
  xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
  if (in == nullptr) {
    xmlFreeParserInputBuffer(buf);
    return nullptr;
  }
  in->filename = reinterpret_cast<char*>(xmlStrdup(reinterpret_cast<const xmlChar*>(url)));
  return in;
}

struct SchemaHolder {
  xmlSchemaPtr schema = nullptr;
  std::string error;
};

void collect_first(void* data, xmlErrorPtr err) {
  auto* out = static_cast<std::string*>(data);
  if (out->empty() && err != nullptr && err->message != nullptr) out->assign(err->message);
}

const SchemaHolder& compiled_schema() {
  static SchemaHolder holder;
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(offline_loader);
    const auto& main = iodef_schema_files().front();
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewMemParserCtxt(main.text.data(), static_cast<int>(main.text.size()));
    xmlSchemaSetParserStructuredErrors(pc, collect_first, &holder.error);
    holder.schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
  });
  return holder;
}

std::string without_namespace(std::string message) {
  const std::string braced = std::string("{") + kNs + "}";
  for (auto p = message.find(braced); p != std::string::npos; p = message.find(braced)) {
    message.erase(p, braced.size());
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// SAX hooks that stop the parse at a DOCTYPE, before any declaration in it
// is read: entity declarations (a billion laughs), external entities and
// DTDs never get a chance.
struct ParseState {
  bool doctype = false;
};

void refuse_doctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  static_cast<ParseState*>(ctxt->_private)->doctype = true;
  xmlStopParser(ctxt);
}

void refuse_entity(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  static_cast<ParseState*>(ctxt->_private)->doctype = true;
  xmlStopParser(ctxt);
}

void check_bytes(std::string_view bytes) {
  if (bytes.size() > kMaxIodefBytes) {
    throw Error(ErrorCategory::too_large, "iodef_too_large",
                "the IODEF document has " + std::to_string(bytes.size()) + " bytes; at most " +
                    std::to_string(kMaxIodefBytes) + " are accepted");
  }
  if (bytes.empty()) fail("expected an IODEF document, found an empty body");
  if (auto bad = first_bad_utf8(bytes)) {
    fail("expected UTF-8, found a byte that is not UTF-8 at offset " + std::to_string(*bad));
  }
}

std::string parse_error_text(xmlParserCtxtPtr ctxt) {
  const xmlError* err = xmlCtxtGetLastError(ctxt);
  if (err == nullptr || err->message == nullptr) return "not well-formed XML";
  std::string msg = without_namespace(err->message);
  if (msg.find("Excessive depth") != std::string::npos) {
    msg = "elements nest deeper than " + std::to_string(xmlParserMaxDepth) + " levels";
  }
  return "line " + std::to_string(err->line) + ": " + escape_text(msg, 300);
}

}  // namespace

void fail(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "iodef_invalid", message);
}

void fail_at(const xmlNode* node, const std::string& message) {
  fail("at " + node_path(node) + ": " + message);
}

std::optional<std::size_t> first_bad_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  const auto* begin = p;
  auto cont = [&](std::size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  while (p < end) {
    const unsigned char b = *p;
    std::size_t n = 0;
    if (b < 0x80) {
      n = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = cont(1) ? 2 : 0;
    } else if (b >= 0xE0 && b <= 0xEF) {
      const bool ok =
          cont(1) && cont(2) && !(b == 0xE0 && p[1] < 0xA0) && !(b == 0xED && p[1] > 0x9F);
      n = ok ? 3 : 0;
    } else if (b >= 0xF0 && b <= 0xF4) {
      const bool ok = cont(1) && cont(2) && cont(3) && !(b == 0xF0 && p[1] < 0x90) &&
                      !(b == 0xF4 && p[1] > 0x8F);
      n = ok ? 4 : 0;
    }
    if (n == 0) return static_cast<std::size_t>(p - begin);
    p += n;
  }
  return std::nullopt;
}

DocPtr parse_untrusted(std::string_view bytes) {
  check_bytes(bytes);
  compiled_schema();  // installs the offline entity loader first
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == nullptr) throw Error(ErrorCategory::internal, "iodef_internal", "out of memory");
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> guard(ctxt, xmlFreeParserCtxt);
  ParseState state;
  ctxt->_private = &state;
  ctxt->sax->internalSubset = refuse_doctype;
  ctxt->sax->externalSubset = refuse_doctype;
  ctxt->sax->entityDecl = refuse_entity;
  // Never XML_PARSE_NOENT (substitute entities), DTDLOAD, DTDATTR or HUGE.
  // The bytes are UTF-8 (checked above) whatever the XML declaration says.
  const int options =
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC;
  xmlCtxtUseOptions(ctxt, options);
  DocPtr doc(xmlCtxtReadMemory(ctxt, bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
                               options));
  if (state.doctype) {
    fail(
        "expected no DOCTYPE (entity declarations, external entities and DTDs are refused), "
        "found one");
  }
  if (!doc || !ctxt->wellFormed) fail("not well-formed XML: " + parse_error_text(ctxt));
  return doc;
}

void validate_schema(xmlDoc* doc) {
  const auto& holder = compiled_schema();
  if (holder.schema == nullptr) {
    throw Error(ErrorCategory::internal, "iodef_schema",
                "the compiled-in IODEF 2.0 schema does not load: " + holder.error);
  }
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr || !is_iodef(root, "IODEF-Document")) {
    std::string found =
        root == nullptr
            ? std::string("no element")
            : std::string("<") + reinterpret_cast<const char*>(root->name) + "> in namespace " +
                  (root->ns != nullptr ? reinterpret_cast<const char*>(root->ns->href) : "(none)");
    fail("expected the root element <IODEF-Document> in namespace " + std::string(kNs) +
         ", found " + escape_text(found, 200));
  }
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(holder.schema);
  struct Found {
    std::string message, path;
    int line = 0;
  } found;
  xmlSchemaSetValidStructuredErrors(
      vc,
      [](void* data, xmlErrorPtr err) {
        auto* f = static_cast<Found*>(data);
        if (!f->message.empty() || err == nullptr) return;
        f->message = err->message != nullptr ? err->message : "invalid";
        f->line = err->line;
        if (err->node != nullptr) f->path = node_path(static_cast<const xmlNode*>(err->node));
      },
      &found);
  const int rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  if (rc != 0) {
    fail("does not validate against the IODEF 2.0 schema: at " +
         (found.path.empty() ? std::string("/") : found.path) + " (line " +
         std::to_string(found.line) + "): " + escape_text(without_namespace(found.message), 400));
  }
}

std::string node_path(const xmlNode* node) {
  std::string path;
  for (const xmlNode* n = node; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
    std::string step = reinterpret_cast<const char*>(n->name);
    int index = 0, same = 0;
    if (n->parent != nullptr) {
      for (const xmlNode* s = n->parent->children; s != nullptr; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || xmlStrcmp(s->name, n->name) != 0) continue;
        ++same;
        if (s == n) index = same;
      }
    }
    if (same > 1) step += "[" + std::to_string(index) + "]";
    path = "/" + step + path;
  }
  return escape_text(path.empty() ? std::string("/") : path, 400);
}

bool is_iodef(const xmlNode* node, std::string_view name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         xmlStrcmp(node->ns->href, reinterpret_cast<const xmlChar*>(kNs)) == 0 &&
         (name.empty() || name == reinterpret_cast<const char*>(node->name));
}

std::vector<xmlNode*> children(const xmlNode* parent, std::string_view name) {
  std::vector<xmlNode*> out;
  if (parent == nullptr) return out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (name.empty() || is_iodef(c, name)) out.push_back(c);
  }
  return out;
}

xmlNode* first_child(const xmlNode* parent, std::string_view name) {
  auto all = children(parent, name);
  return all.empty() ? nullptr : all.front();
}

std::string text_of(const xmlNode* node) {
  if (node == nullptr) return {};
  xmlChar* t = xmlNodeGetContent(node);
  std::string out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return out;
}

std::optional<std::string> attr(const xmlNode* node, const char* name) {
  xmlChar* v = xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return std::nullopt;
  std::string out = reinterpret_cast<const char*>(v);
  xmlFree(v);
  return out;
}

}  // namespace hotline::interop::xml
