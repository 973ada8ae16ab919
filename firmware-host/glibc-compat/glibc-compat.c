/*
 * Linked into the NativeAOT device binary by build-aot.sh (through glibc-compat.targets) so that it needs at most
 * GLIBC_2.27 (JetPack 4 / Ubuntu 18.04) although it is linked against a glibc 2.31 sysroot.
 *
 * glibc 2.29 gave exp, log and pow new symbol versions (the same functions without the old SVID error-handling
 * wrapper); a link against 2.31 binds the runtime's calls to exp@GLIBC_2.29 etc. The linker flags
 * -Wl,--wrap=exp,--wrap=log,--wrap=pow send those calls to the __wrap_* functions below, which call the versions
 * every glibc since the architecture's first release exports (x86-64: GLIBC_2.2.5, aarch64: GLIBC_2.17). Results
 * are the same; only errno/matherr reporting on domain errors differs, which the runtime does not use.
 */
#if defined(__x86_64__)
#define EA_BASE_VERSION "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define EA_BASE_VERSION "GLIBC_2.17"
#else
#error "glibc-compat.c: add the architecture's base glibc symbol version"
#endif

__asm__(".symver ea_exp_base, exp@" EA_BASE_VERSION);
__asm__(".symver ea_log_base, log@" EA_BASE_VERSION);
__asm__(".symver ea_pow_base, pow@" EA_BASE_VERSION);

double ea_exp_base(double x);
double ea_log_base(double x);
double ea_pow_base(double x, double y);

double __wrap_exp(double x) { return ea_exp_base(x); }
double __wrap_log(double x) { return ea_log_base(x); }
double __wrap_pow(double x, double y) { return ea_pow_base(x, y); }
