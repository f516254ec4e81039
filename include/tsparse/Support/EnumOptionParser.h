//===- EnumOptionParser.h - Enum pass options that list their values ------===//
//
// A parser for enum-valued pass and pipeline options whose error names the
// option and every value it accepts, where the stock parser only says that
// the value is unknown.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_SUPPORT_ENUMOPTIONPARSER_H
#define TSPARSE_SUPPORT_ENUMOPTIONPARSER_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace tsparse {

/// Parses an option declared with `llvm::cl::values(clEnumValN(...))`; an
/// unknown value is reported as "expected <option> to be one of ... but got
/// '<value>'".
template <typename DataType>
struct EnumOptionParser
    : public ::mlir::detail::PassOptions::OptionParser<DataType> {
  using Base = ::mlir::detail::PassOptions::OptionParser<DataType>;
  using Base::Base;

  bool parse(llvm::cl::Option &option, StringRef argName, StringRef arg,
             DataType &value) {
    for (const auto &entry : this->Values) {
      if (entry.Name != arg)
        continue;
      value = entry.V.getValue();
      return false;
    }
    std::string message;
    llvm::raw_string_ostream os(message);
    os << "expected " << argName << " to be one of ";
    llvm::interleaveComma(this->Values, os, [&](const auto &entry) {
      os << "'" << entry.Name << "'";
    });
    os << " but got '" << arg << "'";
    return option.error(message, /*ArgName=*/StringRef(), llvm::errs());
  }
};

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_SUPPORT_ENUMOPTIONPARSER_H
