# The Debian package (`make package`; docs/operations.md, "Installing the
# Debian package"): CPack's DEB generator over the install rules below, from
# the release build as it is (no second compile): install and package do not
# build `all` first (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY; `make package` builds
# before it packages). The web app is web/dist, which `npm --prefix web run
# build` writes; `hotline serve` finds it installed at
# <bin>/../share/hotline/web (src/cli/serve_cmd.cpp). Run time dependencies
# come from dpkg-shlibdeps, so the package installs on a fresh Debian 12.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(hotline_pkg "${CMAKE_SOURCE_DIR}/packaging")

install(TARGETS hotline RUNTIME DESTINATION bin)
# A missing web/dist is an error here, not a package without its web app.
install(CODE "
  if(NOT EXISTS \"${CMAKE_SOURCE_DIR}/web/dist/index.html\")
    message(FATAL_ERROR \"web/dist/index.html is missing: build the web app first \"
                        \"(npm --prefix web run build, or make build)\")
  endif()")
install(DIRECTORY "${CMAKE_SOURCE_DIR}/web/dist/" DESTINATION share/hotline/web)
install(FILES "${hotline_pkg}/hotline.service" DESTINATION lib/systemd/system)
install(FILES "${hotline_pkg}/hotline.sysusers" DESTINATION lib/sysusers.d RENAME hotline.conf)
install(FILES "${hotline_pkg}/default" DESTINATION /etc/default RENAME hotline)
# The man page, compressed as Debian's policy asks (gzip -9n: no name, no
# time stamp, so the same bytes every time).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${hotline_pkg}/hotline.1")
execute_process(COMMAND gzip -9nc "${hotline_pkg}/hotline.1"
                OUTPUT_FILE "${CMAKE_BINARY_DIR}/generated/hotline.1.gz" COMMAND_ERROR_IS_FATAL ANY)
install(FILES "${CMAKE_BINARY_DIR}/generated/hotline.1.gz" DESTINATION share/man/man1)
install(FILES README.md "${hotline_pkg}/copyright" DESTINATION share/doc/hotline)
install(FILES docs/operations.md docs/http-api.md docs/protocol.md docs/threat-model.md
              docs/architecture.md docs/auditing.md docs/review.md docs/web.md
        DESTINATION share/doc/hotline)
install(FILES docs/api/openapi.yaml DESTINATION share/doc/hotline/api)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hotline)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "Hotline maintainers <maintainers@users.noreply.r-seed-2a587e61.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "dedicated channel between the cybercrime points of contact of two offices")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Each office runs its own Hotline node. Nodes talk over mutually\nauthenticated TLS 1.3 with each other's Ed25519 keys pinned, exchange\nsigned alerts, requests, cases and disputes, and keep a verifiable ledger.\nThis package holds the node (hotline), its web app, and a hardened\nsystemd unit that runs it as the system user hotline on /var/lib/hotline.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${hotline_pkg}/postinst;${hotline_pkg}/prerm;${hotline_pkg}/postrm;${hotline_pkg}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The binary without its debug information (the build keeps it).
set(CPACK_STRIP_FILES ON)
include(CPack)
