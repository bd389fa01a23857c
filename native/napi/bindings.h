// One initialiser per concept; addon.cc calls them all.
#pragma once
#include <napi.h>

namespace sloppy {

void initBackends(Napi::Env env, Napi::Object exports);
void initFisher(Napi::Env env, Napi::Object exports);
void initFlow(Napi::Env env, Napi::Object exports);
void initLandscape(Napi::Env env, Napi::Object exports);
void initLangevin(Napi::Env env, Napi::Object exports);
void initLinalg(Napi::Env env, Napi::Object exports);
void initRng(Napi::Env env, Napi::Object exports);
void initSde(Napi::Env env, Napi::Object exports);
void initSpectra(Napi::Env env, Napi::Object exports);
void initSynaptic(Napi::Env env, Napi::Object exports);

}  // namespace sloppy
