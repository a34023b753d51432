#include "component/promtool.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>

namespace seatd::testing {

promtool_verdict promtool_check_metrics(const std::string& exposition,
                                        const std::filesystem::path& dir) {
  const auto file = dir / "exposition.prom";
  { std::ofstream(file, std::ios::binary) << exposition; }
  const std::string cmd = "promtool check metrics < '" + file.string() + "' 2>&1";
  promtool_verdict v;
  FILE* out = ::popen(cmd.c_str(), "r");
  if (out == nullptr) return v;
  char buf[512];
  while (std::fgets(buf, sizeof buf, out)) v.said += buf;
  const int status = ::pclose(out);
  v.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return v;
}

}  // namespace seatd::testing
