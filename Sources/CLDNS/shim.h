#ifndef MERIDIAN_CLDNS_SHIM_H
#define MERIDIAN_CLDNS_SHIM_H
#include <stdio.h>
#include <ldns/ldns.h>
#endif
