
bPlaceholder*
_user_specified_nameb*
dtype0*
shape: