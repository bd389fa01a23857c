// Marks a CPU kernel compiled for three instruction sets (AVX-512, AVX2 with FMA, baseline x86-64) and chosen
// at load time, so that one prebuilt binary runs everywhere and uses the widest vectors the machine has.
// `flatten` inlines everything the kernel calls into each clone, since a call out of it would land in code
// built for the baseline instruction set.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SLOPPY_CPU_KERNEL __attribute__((flatten, target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SLOPPY_CPU_KERNEL
#endif
