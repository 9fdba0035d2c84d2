
ExtractImagePatchesExtractImagePatchesReshape*
T0*
ksizes
*
paddingSAME*
rates
*
strides
