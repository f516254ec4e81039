//===- EnumOptionParser.h - Enum options that list their values -*- C++ -*-===//
//
// A parser for enum-valued pass and pipeline options whose error names the
// option and every value it accepts, where the stock parser only says that
// the value is unknown.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_SUPPORT_ENUMOPTIONPARSER_H
#define TSPARSE_SUPPORT_ENUMOPTIONPARSER_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace tsparse {

/// `llvm::cl::parser<DataType>` for options declared with
/// `llvm::cl::values(clEnumValN(...))`, except that an unknown value is
/// reported as "for the --<option> option: expected one of '<a>', '<b>' but
/// got '<value>'".
template <typename DataType>
class EnumOptionParser : public llvm::cl::generic_parser_base {
protected:
  class OptionInfo : public GenericOptionInfo {
  public:
    OptionInfo(llvm::StringRef name, DataType value, llvm::StringRef helpStr)
        : GenericOptionInfo(name, helpStr), V(value) {}

    llvm::cl::OptionValue<DataType> V;
  };
  llvm::SmallVector<OptionInfo, 8> Values;

public:
  EnumOptionParser(llvm::cl::Option &option) : generic_parser_base(option) {}

  using parser_data_type = DataType;

  unsigned getNumOptions() const override { return Values.size(); }
  llvm::StringRef getOption(unsigned n) const override {
    return Values[n].Name;
  }
  llvm::StringRef getDescription(unsigned n) const override {
    return Values[n].HelpStr;
  }
  const llvm::cl::GenericOptionValue &
  getOptionValue(unsigned n) const override {
    return Values[n].V;
  }

  /// Returns true on error.
  bool parse(llvm::cl::Option &option, llvm::StringRef argName,
             llvm::StringRef arg, DataType &value) {
    for (const OptionInfo &entry : Values) {
      if (entry.Name != arg)
        continue;
      value = entry.V.getValue();
      return false;
    }
    std::string message;
    llvm::raw_string_ostream os(message);
    os << "expected one of ";
    llvm::interleaveComma(Values, os, [&](const OptionInfo &entry) {
      os << "'" << entry.Name << "'";
    });
    os << " but got '" << arg << "'";
    return option.error(message, argName, llvm::errs());
  }

  template <class T>
  void addLiteralOption(llvm::StringRef name, const T &value,
                        llvm::StringRef helpStr) {
    Values.push_back(OptionInfo(name, static_cast<DataType>(value), helpStr));
    AddLiteralOption(Owner, name);
  }

  void removeLiteralOption(llvm::StringRef name) {
    unsigned n = findOption(name);
    assert(n != Values.size() && "option not found");
    Values.erase(Values.begin() + n);
  }
};

} // namespace tsparse
} // namespace mlir

/// Makes EnumOptionParser the parser of every option of type `EnumType`
/// (the options pass definitions declare and pipeline options alike). Use at
/// global scope, next to the enum.
#define TSPARSE_ENUM_OPTION_PARSER(EnumType)                                   \
  namespace llvm {                                                             \
  namespace cl {                                                               \
  template <>                                                                  \
  class parser<EnumType>                                                       \
      : public ::mlir::tsparse::EnumOptionParser<EnumType> {                   \
  public:                                                                      \
    using ::mlir::tsparse::EnumOptionParser<EnumType>::EnumOptionParser;       \
  };                                                                           \
  }                                                                            \
  }

#endif // TSPARSE_SUPPORT_ENUMOPTIONPARSER_H
