#include <gtest/gtest.h>

#include "nuri/nuri.h"

// The collector must be initialised on the main thread before any test allocates.
class NuriEnvironment : public ::testing::Environment {
public:
  void SetUp() override { static nuri::Runtime runtime; }
};

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new NuriEnvironment);
  return RUN_ALL_TESTS();
}
