// The `hotline` command. Each subcommand lives in its own file.
#include <cstdio>

int main() {
  std::puts("hotline: under construction");
  return 0;
}
