// Bindings of the Fisher classifier, added to the addon's `fisher` object by initFisher.
#pragma once
#include <napi.h>

namespace sloppy {

// fisher.classifierInit / classifierTrain / classifierEvaluate / classifierScores.
void addClassifierBindings(Napi::Env env, Napi::Object fisher);

}  // namespace sloppy
