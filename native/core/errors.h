// An exception that carries the machine-readable code JavaScript sees as error.code.
#pragma once
#include <stdexcept>
#include <string>

namespace sloppy {

struct CodedError : std::runtime_error {
  std::string code;
  CodedError(std::string c, const std::string& message) : std::runtime_error(message), code(std::move(c)) {}
};

}  // namespace sloppy
