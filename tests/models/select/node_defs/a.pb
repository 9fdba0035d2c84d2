
aPlaceholder*
_user_specified_namea*
dtype0*
shape: