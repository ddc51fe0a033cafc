// A fuzz target that OSS-Fuzz/ClusterFuzzLite can run as it runs any libFuzzer binary: the libfuzzer-dotnet
// driver (its source included unchanged, its LLVMFuzzerInitialize renamed) plus the one thing those runners
// cannot give it, the --target_path flag. Without the flag the harness is found beside the binary:
// <dir>/ext4codec/<binary name>.sh, a script that starts the instrumented .NET harness (build.sh writes it).
#define LLVMFuzzerInitialize libfuzzer_dotnet_initialize
#include LIBFUZZER_DOTNET_CC
#undef LLVMFuzzerInitialize

#include <limits.h>

static char target_flag[PATH_MAX + 64];

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int i = 0; i < *argc; ++i)
    {
        if (read_flag_value((*argv)[i], target_path_name))
        {
            return libfuzzer_dotnet_initialize(argc, argv);
        }
    }

    char exe[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (length <= 0)
    {
        die_sys("readlink(/proc/self/exe) failed");
    }
    exe[length] = '\0';
    char *slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(target_flag, sizeof(target_flag), "%s=%s/ext4codec/%s.sh", target_path_name, exe, slash + 1);

    // The driver keeps a pointer into the flag (static storage); libFuzzer keeps parsing the real argv.
    char *flags[] = {(*argv)[0], target_flag, NULL};
    int count = 2;
    char **view = flags;
    return libfuzzer_dotnet_initialize(&count, &view);
}
