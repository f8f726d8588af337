// Everything in the tls part: certificates and contexts.
#pragma once

#include "hotline/tls/certificate.h"
#include "hotline/tls/context.h"
