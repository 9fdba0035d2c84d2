
CumsumCumsumaCumsum/axis*

Tidx0*
T0*
	exclusive(*
reverse(