/*
 * clusapi/errors.h - error codes, with the numbers MSCS and Win32 give them.
 *
 * Every function of libclusapi that can fail returns one of these (a uint32_t,
 * ERROR_SUCCESS on success); cluster_strerror() explains each in one line.
 * Names and numbers are those of Microsoft's published system error codes
 * (winerror.h): the general Win32 codes the project returns or maps errno
 * values to, the RPC codes a client sees when it loses the cluster service,
 * and the whole cluster range.  tests/unit/test_headers.c asserts each number.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_ERRORS_H
#define CLUSAPI_ERRORS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- general, files and I/O ---- */
#define ERROR_SUCCESS                                    0u
#define ERROR_INVALID_FUNCTION                           1u
#define ERROR_FILE_NOT_FOUND                             2u
#define ERROR_PATH_NOT_FOUND                             3u
#define ERROR_TOO_MANY_OPEN_FILES                        4u
#define ERROR_ACCESS_DENIED                              5u
#define ERROR_INVALID_HANDLE                             6u
#define ERROR_NOT_ENOUGH_MEMORY                          8u
#define ERROR_BAD_FORMAT                                 11u
#define ERROR_INVALID_ACCESS                             12u
#define ERROR_INVALID_DATA                               13u
#define ERROR_OUTOFMEMORY                                14u
#define ERROR_INVALID_DRIVE                              15u
#define ERROR_NOT_SAME_DEVICE                            17u
#define ERROR_NO_MORE_FILES                              18u
#define ERROR_WRITE_PROTECT                              19u
#define ERROR_BAD_UNIT                                   20u
#define ERROR_NOT_READY                                  21u
#define ERROR_BAD_COMMAND                                22u
#define ERROR_CRC                                        23u
#define ERROR_BAD_LENGTH                                 24u
#define ERROR_WRITE_FAULT                                29u
#define ERROR_READ_FAULT                                 30u
#define ERROR_GEN_FAILURE                                31u
#define ERROR_SHARING_VIOLATION                          32u
#define ERROR_LOCK_VIOLATION                             33u
#define ERROR_HANDLE_EOF                                 38u
#define ERROR_HANDLE_DISK_FULL                           39u
#define ERROR_NOT_SUPPORTED                              50u
#define ERROR_DUP_NAME                                   52u
#define ERROR_BAD_NETPATH                                53u
#define ERROR_NETWORK_BUSY                               54u
#define ERROR_DEV_NOT_EXIST                              55u
#define ERROR_UNEXP_NET_ERR                              59u
#define ERROR_NETNAME_DELETED                            64u
#define ERROR_NETWORK_ACCESS_DENIED                      65u
#define ERROR_BAD_NET_NAME                               67u
#define ERROR_REQ_NOT_ACCEP                              71u
#define ERROR_FILE_EXISTS                                80u
#define ERROR_CANNOT_MAKE                                82u
#define ERROR_INVALID_PASSWORD                           86u
#define ERROR_INVALID_PARAMETER                          87u
#define ERROR_NO_PROC_SLOTS                              89u
#define ERROR_BROKEN_PIPE                                109u
#define ERROR_OPEN_FAILED                                110u
#define ERROR_BUFFER_OVERFLOW                            111u
#define ERROR_DISK_FULL                                  112u
#define ERROR_CALL_NOT_IMPLEMENTED                       120u
#define ERROR_SEM_TIMEOUT                                121u
#define ERROR_INSUFFICIENT_BUFFER                        122u
#define ERROR_INVALID_NAME                               123u
#define ERROR_INVALID_LEVEL                              124u
#define ERROR_MOD_NOT_FOUND                              126u
#define ERROR_PROC_NOT_FOUND                             127u
#define ERROR_NEGATIVE_SEEK                              131u
#define ERROR_DIR_NOT_EMPTY                              145u
#define ERROR_NOT_LOCKED                                 158u
#define ERROR_BAD_ARGUMENTS                              160u
#define ERROR_BAD_PATHNAME                               161u
#define ERROR_LOCK_FAILED                                167u
#define ERROR_BUSY                                       170u
#define ERROR_ALREADY_EXISTS                             183u
#define ERROR_BAD_EXE_FORMAT                             193u
#define ERROR_ENVVAR_NOT_FOUND                           203u
#define ERROR_FILENAME_EXCED_RANGE                       206u
#define ERROR_FILE_TOO_LARGE                             223u
#define ERROR_BAD_PIPE                                   230u
#define ERROR_PIPE_BUSY                                  231u
#define ERROR_NO_DATA                                    232u
#define ERROR_PIPE_NOT_CONNECTED                         233u
#define ERROR_MORE_DATA                                  234u
#define ERROR_NO_MORE_ITEMS                              259u
#define ERROR_DIRECTORY                                  267u
#define ERROR_NOT_OWNER                                  288u
#define ERROR_PARTIAL_COPY                               299u

/* ---- I/O completion, registry (the cluster database uses these) ---- */
#define ERROR_INVALID_ADDRESS                            487u
#define ERROR_ARITHMETIC_OVERFLOW                        534u
#define ERROR_OPERATION_ABORTED                          995u
#define ERROR_IO_INCOMPLETE                              996u
#define ERROR_IO_PENDING                                 997u
#define ERROR_NOACCESS                                   998u
#define ERROR_CAN_NOT_COMPLETE                           1003u
#define ERROR_INVALID_FLAGS                              1004u
#define ERROR_UNRECOGNIZED_VOLUME                        1005u
#define ERROR_NO_TOKEN                                   1008u
#define ERROR_BADDB                                      1009u
#define ERROR_BADKEY                                     1010u
#define ERROR_CANTOPEN                                   1011u
#define ERROR_CANTREAD                                   1012u
#define ERROR_CANTWRITE                                  1013u
#define ERROR_REGISTRY_CORRUPT                           1015u
#define ERROR_REGISTRY_IO_FAILED                         1016u
#define ERROR_KEY_DELETED                                1018u

/* ---- services and processes ---- */
#define ERROR_DEPENDENT_SERVICES_RUNNING                 1051u
#define ERROR_INVALID_SERVICE_CONTROL                    1052u
#define ERROR_SERVICE_REQUEST_TIMEOUT                    1053u
#define ERROR_SERVICE_ALREADY_RUNNING                    1056u
#define ERROR_SERVICE_DISABLED                           1058u
#define ERROR_CIRCULAR_DEPENDENCY                        1059u
#define ERROR_SERVICE_DOES_NOT_EXIST                     1060u
#define ERROR_SERVICE_CANNOT_ACCEPT_CTRL                 1061u
#define ERROR_SERVICE_NOT_ACTIVE                         1062u
#define ERROR_EXCEPTION_IN_SERVICE                       1064u
#define ERROR_SERVICE_SPECIFIC_ERROR                     1066u
#define ERROR_PROCESS_ABORTED                            1067u
#define ERROR_SERVICE_DEPENDENCY_FAIL                    1068u
#define ERROR_SERVICE_MARKED_FOR_DELETE                  1072u
#define ERROR_SERVICE_EXISTS                             1073u

/* ---- system, devices, network connections, security ---- */
#define ERROR_NO_UNICODE_TRANSLATION                     1113u
#define ERROR_DLL_INIT_FAILED                            1114u
#define ERROR_SHUTDOWN_IN_PROGRESS                       1115u
#define ERROR_IO_DEVICE                                  1117u
#define ERROR_DISK_OPERATION_FAILED                      1127u
#define ERROR_POSSIBLE_DEADLOCK                          1131u
#define ERROR_INVALID_DLL                                1154u
#define ERROR_DEVICE_NOT_CONNECTED                       1167u
#define ERROR_NOT_FOUND                                  1168u
#define ERROR_NO_MATCH                                   1169u
#define ERROR_BAD_DEVICE                                 1200u
#define ERROR_INVALID_COMPUTERNAME                       1210u
#define ERROR_INVALID_DOMAINNAME                         1212u
#define ERROR_INVALID_NETNAME                            1214u
#define ERROR_NO_NETWORK                                 1222u
#define ERROR_CANCELLED                                  1223u
#define ERROR_CONNECTION_REFUSED                         1225u
#define ERROR_GRACEFUL_DISCONNECT                        1226u
#define ERROR_ADDRESS_ALREADY_ASSOCIATED                 1227u
#define ERROR_ADDRESS_NOT_ASSOCIATED                     1228u
#define ERROR_CONNECTION_INVALID                         1229u
#define ERROR_CONNECTION_ACTIVE                          1230u
#define ERROR_NETWORK_UNREACHABLE                        1231u
#define ERROR_HOST_UNREACHABLE                           1232u
#define ERROR_PROTOCOL_UNREACHABLE                       1233u
#define ERROR_PORT_UNREACHABLE                           1234u
#define ERROR_REQUEST_ABORTED                            1235u
#define ERROR_CONNECTION_ABORTED                         1236u
#define ERROR_RETRY                                      1237u
#define ERROR_CONNECTION_COUNT_LIMIT                     1238u
#define ERROR_INCORRECT_ADDRESS                          1241u
#define ERROR_ALREADY_REGISTERED                         1242u
#define ERROR_SERVICE_NOT_FOUND                          1243u
#define ERROR_NOT_AUTHENTICATED                          1244u
#define ERROR_ALREADY_INITIALIZED                        1247u
#define ERROR_HOST_DOWN                                  1256u
#define ERROR_UNKNOWN_REVISION                           1305u
#define ERROR_REVISION_MISMATCH                          1306u
#define ERROR_PRIVILEGE_NOT_HELD                         1314u
#define ERROR_LOGON_FAILURE                              1326u
#define ERROR_INVALID_SECURITY_DESCR                     1338u
#define ERROR_INTERNAL_ERROR                             1359u
#define ERROR_FILE_CORRUPT                               1392u
#define ERROR_DISK_CORRUPT                               1393u
#define ERROR_INVALID_INDEX                              1413u
#define ERROR_NO_SYSTEM_RESOURCES                        1450u
#define ERROR_TIMEOUT                                    1460u

/* ---- configuration and property data ---- */
#define ERROR_UNKNOWN_PROPERTY                           1608u
#define ERROR_BAD_CONFIGURATION                          1610u
#define ERROR_DEVICE_REMOVED                             1617u
#define ERROR_DATATYPE_MISMATCH                          1629u

/* ---- RPC: the connection to the cluster service ---- */
#define RPC_S_UNKNOWN_IF                                 1717u
#define RPC_S_SERVER_UNAVAILABLE                         1722u
#define RPC_S_SERVER_TOO_BUSY                            1723u
#define RPC_S_CALL_FAILED                                1726u
#define RPC_S_CALL_FAILED_DNE                            1727u
#define RPC_S_PROTOCOL_ERROR                             1728u
#define ERROR_INVALID_USER_BUFFER                        1784u
#define ERROR_UNRECOGNIZED_MEDIA                         1785u
#define ERROR_NOT_ENOUGH_QUOTA                           1816u
#define RPC_S_CALL_CANCELLED                             1818u

/* ---- devices and objects ---- */
#define ERROR_DEVICE_IN_USE                              2404u
#define ERROR_OBJECT_NOT_FOUND                           4312u
#define ERROR_INVALID_OPERATION                          4317u
#define ERROR_DEVICE_NOT_AVAILABLE                       4319u

/* ---- cluster (NT5 block, 5001-5089; 5055 is unassigned) ---- */
#define ERROR_DEPENDENT_RESOURCE_EXISTS                  5001u
#define ERROR_DEPENDENCY_NOT_FOUND                       5002u
#define ERROR_DEPENDENCY_ALREADY_EXISTS                  5003u
#define ERROR_RESOURCE_NOT_ONLINE                        5004u
#define ERROR_HOST_NODE_NOT_AVAILABLE                    5005u
#define ERROR_RESOURCE_NOT_AVAILABLE                     5006u
#define ERROR_RESOURCE_NOT_FOUND                         5007u
#define ERROR_SHUTDOWN_CLUSTER                           5008u
#define ERROR_CANT_EVICT_ACTIVE_NODE                     5009u
#define ERROR_OBJECT_ALREADY_EXISTS                      5010u
#define ERROR_OBJECT_IN_LIST                             5011u
#define ERROR_GROUP_NOT_AVAILABLE                        5012u
#define ERROR_GROUP_NOT_FOUND                            5013u
#define ERROR_GROUP_NOT_ONLINE                           5014u
#define ERROR_HOST_NODE_NOT_RESOURCE_OWNER               5015u
#define ERROR_HOST_NODE_NOT_GROUP_OWNER                  5016u
#define ERROR_RESMON_CREATE_FAILED                       5017u
#define ERROR_RESMON_ONLINE_FAILED                       5018u
#define ERROR_RESOURCE_ONLINE                            5019u
#define ERROR_QUORUM_RESOURCE                            5020u
#define ERROR_NOT_QUORUM_CAPABLE                         5021u
#define ERROR_CLUSTER_SHUTTING_DOWN                      5022u
#define ERROR_INVALID_STATE                              5023u
#define ERROR_RESOURCE_PROPERTIES_STORED                 5024u
#define ERROR_NOT_QUORUM_CLASS                           5025u
#define ERROR_CORE_RESOURCE                              5026u
#define ERROR_QUORUM_RESOURCE_ONLINE_FAILED              5027u
#define ERROR_QUORUMLOG_OPEN_FAILED                      5028u
#define ERROR_CLUSTERLOG_CORRUPT                         5029u
#define ERROR_CLUSTERLOG_RECORD_EXCEEDS_MAXSIZE          5030u
#define ERROR_CLUSTERLOG_EXCEEDS_MAXSIZE                 5031u
#define ERROR_CLUSTERLOG_CHKPOINT_NOT_FOUND              5032u
#define ERROR_CLUSTERLOG_NOT_ENOUGH_SPACE                5033u
#define ERROR_QUORUM_OWNER_ALIVE                         5034u
#define ERROR_NETWORK_NOT_AVAILABLE                      5035u
#define ERROR_NODE_NOT_AVAILABLE                         5036u
#define ERROR_ALL_NODES_NOT_AVAILABLE                    5037u
#define ERROR_RESOURCE_FAILED                            5038u
#define ERROR_CLUSTER_INVALID_NODE                       5039u
#define ERROR_CLUSTER_NODE_EXISTS                        5040u
#define ERROR_CLUSTER_JOIN_IN_PROGRESS                   5041u
#define ERROR_CLUSTER_NODE_NOT_FOUND                     5042u
#define ERROR_CLUSTER_LOCAL_NODE_NOT_FOUND               5043u
#define ERROR_CLUSTER_NETWORK_EXISTS                     5044u
#define ERROR_CLUSTER_NETWORK_NOT_FOUND                  5045u
#define ERROR_CLUSTER_NETINTERFACE_EXISTS                5046u
#define ERROR_CLUSTER_NETINTERFACE_NOT_FOUND             5047u
#define ERROR_CLUSTER_INVALID_REQUEST                    5048u
#define ERROR_CLUSTER_INVALID_NETWORK_PROVIDER           5049u
#define ERROR_CLUSTER_NODE_DOWN                          5050u
#define ERROR_CLUSTER_NODE_UNREACHABLE                   5051u
#define ERROR_CLUSTER_NODE_NOT_MEMBER                    5052u
#define ERROR_CLUSTER_JOIN_NOT_IN_PROGRESS               5053u
#define ERROR_CLUSTER_INVALID_NETWORK                    5054u
#define ERROR_CLUSTER_NODE_UP                            5056u
#define ERROR_CLUSTER_IPADDR_IN_USE                      5057u
#define ERROR_CLUSTER_NODE_NOT_PAUSED                    5058u
#define ERROR_CLUSTER_NO_SECURITY_CONTEXT                5059u
#define ERROR_CLUSTER_NETWORK_NOT_INTERNAL               5060u
#define ERROR_CLUSTER_NODE_ALREADY_UP                    5061u
#define ERROR_CLUSTER_NODE_ALREADY_DOWN                  5062u
#define ERROR_CLUSTER_NETWORK_ALREADY_ONLINE             5063u
#define ERROR_CLUSTER_NETWORK_ALREADY_OFFLINE            5064u
#define ERROR_CLUSTER_NODE_ALREADY_MEMBER                5065u
#define ERROR_CLUSTER_LAST_INTERNAL_NETWORK              5066u
#define ERROR_CLUSTER_NETWORK_HAS_DEPENDENTS             5067u
#define ERROR_INVALID_OPERATION_ON_QUORUM                5068u
#define ERROR_DEPENDENCY_NOT_ALLOWED                     5069u
#define ERROR_CLUSTER_NODE_PAUSED                        5070u
#define ERROR_NODE_CANT_HOST_RESOURCE                    5071u
#define ERROR_CLUSTER_NODE_NOT_READY                     5072u
#define ERROR_CLUSTER_NODE_SHUTTING_DOWN                 5073u
#define ERROR_CLUSTER_JOIN_ABORTED                       5074u
#define ERROR_CLUSTER_INCOMPATIBLE_VERSIONS              5075u
#define ERROR_CLUSTER_MAXNUM_OF_RESOURCES_EXCEEDED       5076u
#define ERROR_CLUSTER_SYSTEM_CONFIG_CHANGED              5077u
#define ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND            5078u
#define ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED              5079u
#define ERROR_CLUSTER_RESNAME_NOT_FOUND                  5080u
#define ERROR_CLUSTER_NO_RPC_PACKAGES_REGISTERED         5081u
#define ERROR_CLUSTER_OWNER_NOT_IN_PREFLIST              5082u
#define ERROR_CLUSTER_DATABASE_SEQMISMATCH               5083u
#define ERROR_RESMON_INVALID_STATE                       5084u
#define ERROR_CLUSTER_GUM_NOT_LOCKER                     5085u
#define ERROR_QUORUM_DISK_NOT_FOUND                      5086u
#define ERROR_DATABASE_BACKUP_CORRUPT                    5087u
#define ERROR_CLUSTER_NODE_ALREADY_HAS_DFS_ROOT          5088u
#define ERROR_RESOURCE_PROPERTY_UNCHANGEABLE             5089u

/* ---- cluster, second block (Windows Server 2003) ---- */
#define ERROR_CLUSTER_MEMBERSHIP_INVALID_STATE           5890u
#define ERROR_CLUSTER_QUORUMLOG_NOT_FOUND                5891u
#define ERROR_CLUSTER_MEMBERSHIP_HALT                    5892u
#define ERROR_CLUSTER_INSTANCE_ID_MISMATCH               5893u
#define ERROR_CLUSTER_NETWORK_NOT_FOUND_FOR_IP           5894u
#define ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH        5895u
#define ERROR_CLUSTER_EVICT_WITHOUT_CLEANUP              5896u
#define ERROR_CLUSTER_PARAMETER_MISMATCH                 5897u
#define ERROR_NODE_CANNOT_BE_CLUSTERED                   5898u
#define ERROR_CLUSTER_WRONG_OS_VERSION                   5899u
#define ERROR_CLUSTER_CANT_CREATE_DUP_CLUSTER_NAME       5900u
#define ERROR_CLUSCFG_ALREADY_COMMITTED                  5901u
#define ERROR_CLUSCFG_ROLLBACK_FAILED                    5902u
#define ERROR_CLUSCFG_SYSTEM_DISK_DRIVE_LETTER_CONFLICT  5903u
#define ERROR_CLUSTER_OLD_VERSION                        5904u
#define ERROR_CLUSTER_MISMATCHED_COMPUTER_ACCT_NAME      5905u
#define ERROR_RESOURCE_CALL_TIMED_OUT                    5910u

/*
 * cluster_strerror - a one-line English explanation of an error code.
 * Never NULL: an unknown code gives "unknown error". The string is static.
 */
const char *cluster_strerror(uint32_t code);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_ERRORS_H */
