// A host that only runs compiled programs: it loads a .nbc file, runs its main with the rest of
// the command line and exits with main's result. It links Nuri::runtime (libnuri-runtime.a),
// the VM without the compiler; run.sh beside it compiles the program with `nuri build` first.
#include <nuri/nuri.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: runtime_only FILE.nbc [ARGS...]\n";
    return 64;
  }
  nuri::Runtime runtime;
  nuri::Result<nuri::Program> program = nuri::loadBytecodeFile(argv[1]);
  if (!program) {
    std::cerr << program.error().render();
    return 65;
  }
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate();
  if (nuri::Status loaded = guest->load(*program); !loaded) {
    std::cerr << loaded.error().render();
    return 70;
  }
  nuri::Result<int> status = guest->runMain(std::vector<std::string>(argv + 2, argv + argc));
  if (!status) {
    std::cerr << status.error().render();
    return 70;
  }
  return *status;
}
